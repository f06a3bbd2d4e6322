using EdgeConductor.Mqtt.Codec;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Broker;

internal sealed partial class MqttServerConnection
{
    private const int FlushThresholdBytes = 64 * 1024;

    /// <summary>A message whose delivery check is still running (output loop only).</summary>
    private (QueuedMessage Item, ValueTask<bool> Check)? _pendingDelivery;

    /// <summary>The message that was just allowed by a slow-path check and put back in the stash (output loop only).</summary>
    private MqttApplicationMessage? _authorizedMessage;

    /// <summary>Outbound topic aliases the client accepts (0 = none); set at CONNECT.</summary>
    private ushort _outboundAliasMaximum;

    /// <summary>This connection's outbound alias map, created with the first aliased message (output loop only).</summary>
    private OutboundTopicAliases? _outboundAliases;

    /// <summary>
    /// Sole owner of the transport writer. Each round: control packets first, then queued messages while the
    /// in-flight window allows, then one flush (which applies transport back-pressure).
    /// </summary>
    private async Task OutputLoopAsync()
    {
        var output = _transport.Output;
        var session = _session!;
        var version = _version;
        try
        {
            var resent = 0;
            var written = 0;
            foreach (var inflight in session.SnapshotInflight())
            {
                if (inflight.Released)
                {
                    written += MqttPacketWriter.Write(output, new PubRelPacket { PacketId = inflight.Packet.PacketId }, version);
                }
                else
                {
                    inflight.Packet.Dup = true;
                    written += MqttPacketWriter.Write(output, inflight.Packet, version);
                    resent++;
                }
            }

            if (written > 0)
            {
                _broker.Metrics.MessagesSent(resent);
                _broker.Metrics.BytesSent(written);
                await output.FlushAsync().ConfigureAwait(false);
            }

            while (true)
            {
                var bytes = 0;
                var messages = 0;
                while (TryDequeueControl(out var control))
                {
                    bytes += MqttPacketWriter.Write(output, control, version);
                }

                if (!_closing)
                {
                    while (bytes < FlushThresholdBytes && TryTakeDelivery(session, out var publish))
                    {
                        bytes += MqttPacketWriter.Write(output, _outboundAliasMaximum > 0 ? WithOutboundAlias(publish) : publish, version);
                        messages++;
                    }
                }

                if (bytes > 0)
                {
                    if (messages > 0)
                    {
                        _broker.Metrics.MessagesSent(messages);
                    }

                    _broker.Metrics.BytesSent(bytes);
                    var flush = await output.FlushAsync().ConfigureAwait(false);
                    if (flush.IsCompleted || flush.IsCanceled)
                    {
                        return;
                    }

                    continue;
                }

                if (_pendingDelivery is { } pending)
                {
                    // Everything before it is on the wire; now wait for the host's slow-path decision on this one.
                    _pendingDelivery = null;
                    await ResolvePendingDeliveryAsync(session, pending.Item, pending.Check).ConfigureAwait(false);
                    continue;
                }

                if (_closing && !HasControl)
                {
                    return;
                }

                await _signal.WaitAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsTransportException(ex))
        {
            _transport.Input.CancelPendingRead();
        }
        catch (Exception ex)
        {
            // A bug, not a client problem: never leave a connection without its writer.
            ReportError(ex, "output loop");
            Abort(MqttDisconnectReason.ProtocolError, MqttReasonCode.ImplementationSpecificError);
        }
    }

    /// <summary>
    /// The wire form of <paramref name="publish"/> with a server → client topic alias (v5, client Topic Alias Maximum &gt; 0):
    /// a copy, because the original stays in the session's in-flight table and is resent with its full topic on a new
    /// connection (aliases belong to one network connection, MQTT 5.0 §3.3.2.3.4).
    /// </summary>
    private PublishPacket WithOutboundAlias(PublishPacket publish)
    {
        var aliases = _outboundAliases ??= new OutboundTopicAliases(_outboundAliasMaximum);
        var alias = aliases.Resolve(publish.Topic, out var known);
        var properties = publish.Properties?.Clone() ?? new MqttProperties();
        properties.TopicAlias = alias;
        return new PublishPacket
        {
            Topic = known ? "" : publish.Topic,
            Payload = publish.Payload,
            QoS = publish.QoS,
            Retain = publish.Retain,
            Dup = publish.Dup,
            PacketId = publish.PacketId,
            Properties = properties,
        };
    }

    /// <summary>
    /// Awaits a delivery check that did not complete synchronously. Allowed: the message goes back to the head of the
    /// session (its stash), marked as already authorized; denied: it is dropped for this subscriber.
    /// </summary>
    private async Task ResolvePendingDeliveryAsync(MqttSession session, QueuedMessage item, ValueTask<bool> check)
    {
        bool allowed;
        try
        {
            allowed = await check.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ReportError(ex, "AuthorizeDeliveryAsync");
            allowed = false;
        }

        if (allowed)
        {
            _authorizedMessage = item.Message;
            session.Stash = item;
        }
        else
        {
            _broker.Metrics.MessageDropped("not_authorized");
        }
    }

    /// <summary>
    /// Asks the host whether this client may still read <paramref name="item"/> (<see cref="IMqttBrokerHooks.AuthorizeDeliveryAsync"/>).
    /// Returns true with <paramref name="allowed"/> when the answer came synchronously; false when it is pending (parked in
    /// <see cref="_pendingDelivery"/> for the output loop to await).
    /// </summary>
    private bool TryAuthorizeDelivery(QueuedMessage item, out bool allowed)
    {
        if (ReferenceEquals(_authorizedMessage, item.Message))
        {
            _authorizedMessage = null;
            allowed = true;
            return true;
        }

        ValueTask<bool> check;
        try
        {
            check = Options.Hooks.AuthorizeDeliveryAsync(_client!, item.Message, _cancellationToken);
        }
        catch (Exception ex)
        {
            ReportError(ex, "AuthorizeDeliveryAsync");
            allowed = false;
            return true;
        }

        if (check.IsCompletedSuccessfully)
        {
            allowed = check.Result;
            return true;
        }

        _pendingDelivery = (item, check);
        allowed = false;
        return false;
    }

    /// <summary>Takes the next deliverable message from the session queue, honouring the send quota, expiry and the host's delivery check.</summary>
    private bool TryTakeDelivery(MqttSession session, out PublishPacket packet)
    {
        var reader = session.QueueReaderOrNull;
        while (_pendingDelivery is null)
        {
            QueuedMessage item;
            if (session.Stash is { } stashed)
            {
                item = stashed;
                session.Stash = null;
            }
            else if ((reader is null || !reader.TryRead(out item)) && !session.TryTakeOverflow(out item))
            {
                break;
            }

            if (item.QoS != MqttQualityOfService.AtMostOnce)
            {
                lock (session.SyncRoot)
                {
                    if (session.InflightCountUnsafe >= _sendQuota)
                    {
                        // Window full: park it (in the session, so it survives a reconnect) until an ack frees a slot.
                        session.Stash = item;
                        packet = null!;
                        return false;
                    }
                }
            }

            var message = item.Message;
            uint? remainingExpiry = null;
            if (message.ExpiresAtTicks != 0)
            {
                var remaining = message.ExpiresAtTicks - _broker.NowTicks;
                if (remaining <= 0)
                {
                    _broker.Metrics.MessageDropped("expired");
                    continue;
                }

                remainingExpiry = (uint)Math.Max(1, remaining / TimeSpan.TicksPerSecond);
            }

            if (!TryAuthorizeDelivery(item, out var allowed))
            {
                break;
            }

            if (!allowed)
            {
                _broker.Metrics.MessageDropped("not_authorized");
                continue;
            }

            packet = new PublishPacket
            {
                Topic = message.Topic,
                Payload = message.Payload,
                QoS = item.QoS,
                Retain = item.Retain,
            };

            if (IsV5)
            {
                if (message.Properties is not null || item.SubscriptionIds is not null || remainingExpiry.HasValue)
                {
                    var properties = message.Properties?.Clone() ?? new MqttProperties();
                    properties.MessageExpiryInterval = remainingExpiry;
                    properties.SubscriptionIdentifiers = item.SubscriptionIds is null ? null : [.. item.SubscriptionIds];
                    packet.Properties = properties;
                }

                if (_clientMaximumPacketSize < MqttPacketReader.ProtocolMaximumPacketSize &&
                    MqttPacketWriter.GetSize(packet, _version) > _clientMaximumPacketSize)
                {
                    _broker.Metrics.MessageDropped("packet_too_large");
                    session.CountDrop();
                    continue;
                }
            }

            if (item.QoS != MqttQualityOfService.AtMostOnce)
            {
                lock (session.SyncRoot)
                {
                    packet.PacketId = session.NextPacketId();
                    session.AddInflight(packet, item.PersistId);
                }
            }

            return true;
        }

        packet = null!;
        return false;
    }
}
