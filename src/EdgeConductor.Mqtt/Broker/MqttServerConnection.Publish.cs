using System.Threading.Channels;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Broker;

internal sealed partial class MqttServerConnection
{
    private Dictionary<ushort, string>? _topicAliases;
    private Channel<PendingPublish>? _pending;
    private int _pendingCount;
    private int _inboundUnacked;
    private volatile bool _hookFailed;

    private ValueTask HandlePublishAsync(PublishPacket packet)
    {
        _broker.Metrics.MessageReceived();
        if (packet.QoS > Options.MaximumQoS)
        {
            MqttProtocolException.Throw(MqttReasonCode.QoSNotSupported, "QoS above the server maximum.");
        }

        if (packet.Retain && !Options.RetainAvailable)
        {
            MqttProtocolException.Throw(MqttReasonCode.RetainNotSupported, "Retain is not supported.");
        }

        var topic = IsV5 ? ResolveTopicAlias(packet) : packet.Topic;
        if (packet.QoS == MqttQualityOfService.ExactlyOnce && !_session!.TryBeginIncomingQos2(packet.PacketId))
        {
            // Duplicate of a QoS 2 message we already own: acknowledge again, never route twice.
            return EnqueueAck(new PubRecPacket { PacketId = packet.PacketId });
        }

        if (IsV5 && packet.QoS > 0 && Interlocked.Increment(ref _inboundUnacked) > Options.ReceiveMaximum)
        {
            MqttProtocolException.Throw(MqttReasonCode.ReceiveMaximumExceeded, "Receive maximum exceeded.");
        }

        var message = _broker.CreateMessage(topic, packet.Payload, packet.QoS, packet.Retain, packet.Properties, _client!.ClientId);
        if (MqttBroker.IsSysTopic(topic))
        {
            // $SYS belongs to the broker: refused whatever the host says (v5 PUBACK/PUBREC 0x87; QoS 0 and 3.1.1: dropped).
            var refused = MqttPublishResult.Reject(MqttReasonCode.NotAuthorized, "$SYS topics are published by the broker only");
            return Volatile.Read(ref _pendingCount) == 0
                ? CompletePublishAsync(packet, message, refused)
                : EnqueuePending(new PendingPublish(packet, message, new ValueTask<MqttPublishResult>(refused)));
        }

        if (ReferenceEquals(Options.Hooks, MqttBrokerHooks.AllowAll) && Volatile.Read(ref _pendingCount) == 0)
        {
            return CompletePublishAsync(packet, message, MqttPublishResult.Accept);
        }

        ValueTask<MqttPublishResult> hook;
        try
        {
            hook = Options.Hooks.OnPublishAsync(new MqttPublishContext(_client, message, isWill: false), _cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            FailHook(ex);
            return default;
        }

        if (hook.IsCompleted && Volatile.Read(ref _pendingCount) == 0)
        {
            return GetHookResult(hook) is { } result ? CompletePublishAsync(packet, message, result) : default;
        }

        return EnqueuePending(new PendingPublish(packet, message, hook));
    }

    private string ResolveTopicAlias(PublishPacket packet)
    {
        if (packet.Properties?.TopicAlias is not { } alias)
        {
            return packet.Topic;
        }

        if (alias > Options.TopicAliasMaximum)
        {
            MqttProtocolException.Throw(MqttReasonCode.TopicAliasInvalid, "Topic alias above the maximum.");
        }

        _topicAliases ??= [];
        if (packet.Topic.Length > 0)
        {
            _topicAliases[alias] = packet.Topic;
            return packet.Topic;
        }

        if (!_topicAliases.TryGetValue(alias, out var topic))
        {
            MqttProtocolException.ThrowProtocolError("Unknown topic alias.");
        }

        return topic;
    }

    /// <summary>Sends an acknowledgement, keeping it behind any publish whose hook is still pending.</summary>
    private ValueTask EnqueueAck(MqttPacket ack)
    {
        if (Volatile.Read(ref _pendingCount) == 0)
        {
            Send(ack);
            return default;
        }

        return EnqueuePending(new PendingPublish(ack));
    }

    private ValueTask EnqueuePending(PendingPublish entry)
    {
        if (_pending is null)
        {
            _pending = Channel.CreateBounded<PendingPublish>(new BoundedChannelOptions(Math.Max(16, (int)Options.ReceiveMaximum))
            {
                SingleReader = true,
                SingleWriter = true,
                FullMode = BoundedChannelFullMode.Wait,
            });
            _ = Task.Run(PumpPendingAsync);
        }

        Interlocked.Increment(ref _pendingCount);
        return _pending.Writer.TryWrite(entry) ? default : _pending.Writer.WriteAsync(entry, _cancellationToken);
    }

    /// <summary>Completes pending publishes strictly in arrival order (MQTT 4.6), sending each ack as its hook finishes.</summary>
    private async Task PumpPendingAsync()
    {
        var reader = _pending!.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var entry))
            {
                try
                {
                    if (entry.ReadyAck is { } ack)
                    {
                        Send(ack);
                        continue;
                    }

                    MqttPublishResult result;
                    try
                    {
                        result = await entry.Hook.ConfigureAwait(false);
                    }
                    catch (Exception ex)
                    {
                        FailHook(ex);
                        continue;
                    }

                    if (_hookFailed)
                    {
                        continue; // nothing after a failed message is acknowledged either (acks stay in order)
                    }

                    await CompletePublishAsync(entry.Packet!, entry.Message!, result).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsTransportException(ex))
                {
                    // Connection is going away; keep draining so hooks are observed.
                }
                catch (Exception ex)
                {
                    ReportError(ex, "publish completion");
                }
                finally
                {
                    Interlocked.Decrement(ref _pendingCount);
                }
            }
        }
    }

    private MqttPublishResult? GetHookResult(ValueTask<MqttPublishResult> hook)
    {
        try
        {
            return _hookFailed ? null : hook.GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            FailHook(ex);
            return null;
        }
    }

    /// <summary>
    /// The host could not take a message (e.g. its storage failed) — unlike a rejection, which is an answer. The message
    /// must not be acknowledged: v3.1.1 has no negative acknowledgement, and a PUBACK would tell the client it was stored.
    /// So the connection closes (v5: DISCONNECT 0x80) without acknowledging it or anything after it, and the client
    /// redelivers on reconnect.
    /// </summary>
    private void FailHook(Exception ex)
    {
        if (ex is not OperationCanceledException)
        {
            ReportError(ex, "OnPublishAsync");
        }

        _hookFailed = true;
        Abort(MqttDisconnectReason.AdministrativeAction, IsV5 ? MqttReasonCode.UnspecifiedError : null);
    }

    private ValueTask CompletePublishAsync(PublishPacket packet, MqttApplicationMessage message, MqttPublishResult result)
    {
        var route = default(ValueTask);
        if (result.Accepted)
        {
            route = _broker.RouteAsync(message, _session);
        }
        else
        {
            _broker.Metrics.PublishRejected(result.ReasonCode);
        }

        MqttPacket? ack = null;
        if (packet.QoS != MqttQualityOfService.AtMostOnce)
        {
            var code = result.Accepted || !IsV5 ? MqttReasonCode.Success : result.ReasonCode;
            var properties = IsV5 && !result.Accepted && result.ReasonString is { } reason ? new MqttProperties { ReasonString = reason } : null;
            if (packet.QoS == MqttQualityOfService.AtLeastOnce)
            {
                ack = new PubAckPacket { PacketId = packet.PacketId, ReasonCode = code, Properties = properties };
            }
            else
            {
                if (!result.Accepted && IsV5)
                {
                    _session!.EndIncomingQos2(packet.PacketId);
                }

                ack = new PubRecPacket { PacketId = packet.PacketId, ReasonCode = code, Properties = properties };
            }
        }

        if (route.IsCompletedSuccessfully)
        {
            if (ack is not null)
            {
                SendPublishAck(ack);
            }

            return default;
        }

        return AwaitRouteThenAckAsync(route, ack);
    }

    private async ValueTask AwaitRouteThenAckAsync(ValueTask route, MqttPacket? ack)
    {
        await route.ConfigureAwait(false);
        if (ack is not null)
        {
            SendPublishAck(ack);
        }
    }

    private void SendPublishAck(MqttPacket ack)
    {
        // Receive Maximum quota: released by PUBACK, by a failed PUBREC, or (QoS 2) when PUBCOMP is sent.
        if (IsV5 && (ack is PubAckPacket || (ack is PubRecPacket rec && (byte)rec.ReasonCode >= 0x80)))
        {
            Interlocked.Decrement(ref _inboundUnacked);
        }

        Send(ack);
    }
}
