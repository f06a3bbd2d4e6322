using System.Buffers;
using EdgeConductor.Mqtt.Codec;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Client;

public sealed partial class MqttClient
{
    private const int MaxPacketsPerBatch = 256;

    private async Task ReadLoopAsync(MqttClientConnection connection)
    {
        var input = connection.Pipe.Input;
        var version = _options.ProtocolVersion;
        var batch = new List<MqttPacket>();
        MqttReasonCode? serverReason = null;
        Exception? failure = null;
        try
        {
            while (!connection.Lifetime.IsCancellationRequested)
            {
                var result = await input.ReadAsync(connection.Lifetime.Token).ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    break;
                }

                var buffer = result.Buffer;
                var consumed = ParseBatch(buffer, version, batch, out var error);

                // A full batch may have left complete packets behind. Only what was decoded counts as examined, so the next
                // read returns the rest at once: marking the whole buffer examined would make it wait for more bytes, which
                // may never come (the server is waiting for the acks of exactly those packets).
                var full = batch.Count == MaxPacketsPerBatch;
                input.AdvanceTo(consumed, full ? consumed : buffer.End);
                if (batch.Count > 0)
                {
                    Volatile.Write(ref connection.LastReceivedTicks, _options.TimeProvider.GetTimestamp());
                }

                foreach (var packet in batch)
                {
                    if (packet is DisconnectPacket disconnect)
                    {
                        serverReason = disconnect.ReasonCode;
                        batch.Clear();
                        return;
                    }

                    await HandlePacketAsync(connection, packet).ConfigureAwait(false);
                }

                batch.Clear();
                if (error is not null)
                {
                    failure = error;
                    return;
                }

                if (result.IsCompleted && !full)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or MqttClientException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            failure = ex is OperationCanceledException ? null : ex;
        }
        finally
        {
            await OnConnectionLostAsync(connection, serverReason, failure).ConfigureAwait(false);
        }
    }

    private static SequencePosition ParseBatch(in ReadOnlySequence<byte> buffer, MqttProtocolVersion version, List<MqttPacket> batch, out MqttProtocolException? error)
    {
        error = null;
        var reader = new SequenceReader<byte>(buffer);
        try
        {
            while (batch.Count < MaxPacketsPerBatch && MqttPacketReader.TryReadPacket(ref reader, version, MqttPacketReader.ProtocolMaximumPacketSize, out var packet))
            {
                batch.Add(packet!);
            }
        }
        catch (MqttProtocolException ex)
        {
            error = ex;
        }

        return reader.Position;
    }

    private async ValueTask HandlePacketAsync(MqttClientConnection connection, MqttPacket packet)
    {
        switch (packet)
        {
            case PublishPacket publish:
                await HandlePublishAsync(connection, publish).ConfigureAwait(false);
                break;
            case PubAckPacket ack:
                CompleteOutbound(ack.PacketId, ack);
                break;
            case PubRecPacket rec:
                if ((byte)rec.ReasonCode >= 0x80)
                {
                    CompleteOutbound(rec.PacketId, rec);
                }
                else
                {
                    lock (_gate)
                    {
                        if (_inflight.TryGetValue(rec.PacketId, out var entry))
                        {
                            _inflight[rec.PacketId] = (entry.Packet, true, entry.Sequence);
                        }
                    }

                    await SendAsync(connection, new PubRelPacket { PacketId = rec.PacketId }, CancellationToken.None).ConfigureAwait(false);
                }

                break;
            case PubCompPacket comp:
                CompleteOutbound(comp.PacketId, comp);
                break;
            case PubRelPacket rel:
                lock (_gate)
                {
                    _incomingQos2.Remove(rel.PacketId);
                }

                await SendAsync(connection, new PubCompPacket { PacketId = rel.PacketId }, CancellationToken.None).ConfigureAwait(false);
                break;
            case SubAckPacket subAck:
                CompleteRequest(subAck.PacketId, subAck);
                break;
            case UnsubAckPacket unsubAck:
                CompleteRequest(unsubAck.PacketId, unsubAck);
                break;
            case PingRespPacket:
                break;
            default:
                throw new MqttClientException($"Unexpected {packet.Type} from server.", MqttReasonCode.ProtocolError);
        }
    }

    /// <summary>
    /// Applies a server → client topic alias (MQTT 5.0 §3.3.2.3.4): a topic with an alias (re)binds it, an empty topic is
    /// replaced by the bound one. An alias above what we announced, or an unknown one, is a protocol error (MQTT-3.3.2-9/10).
    /// </summary>
    private void ResolveTopicAlias(MqttClientConnection connection, PublishPacket publish, ushort alias)
    {
        if (alias == 0 || alias > (_options.TopicAliasMaximum ?? 0))
        {
            throw new MqttClientException($"Topic alias {alias} above the announced maximum.", MqttReasonCode.TopicAliasInvalid);
        }

        var aliases = connection.TopicAliases ??= [];
        if (publish.Topic.Length > 0)
        {
            aliases[alias] = publish.Topic;
        }
        else if (aliases.TryGetValue(alias, out var topic))
        {
            publish.Topic = topic;
        }
        else
        {
            throw new MqttClientException($"Unknown topic alias {alias}.", MqttReasonCode.ProtocolError);
        }
    }

    private async ValueTask HandlePublishAsync(MqttClientConnection connection, PublishPacket publish)
    {
        if (publish.Properties?.TopicAlias is { } alias)
        {
            ResolveTopicAlias(connection, publish, alias);
        }

        var deliver = true;
        if (publish.QoS == MqttQualityOfService.ExactlyOnce)
        {
            lock (_gate)
            {
                deliver = _incomingQos2.Add(publish.PacketId);
            }
        }

        if (deliver)
        {
            var message = new MqttReceivedMessage(publish.Topic, publish.Payload, publish.QoS, publish.Retain, publish.Dup, publish.Properties);
            if (MessageReceived is { } callback)
            {
                await callback(message).ConfigureAwait(false);
            }
            else
            {
                await _messages.Writer.WriteAsync(message, connection.Lifetime.Token).ConfigureAwait(false);
            }
        }

        if (publish.QoS == MqttQualityOfService.AtLeastOnce)
        {
            await SendAsync(connection, new PubAckPacket { PacketId = publish.PacketId }, CancellationToken.None).ConfigureAwait(false);
        }
        else if (publish.QoS == MqttQualityOfService.ExactlyOnce)
        {
            await SendAsync(connection, new PubRecPacket { PacketId = publish.PacketId }, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private void CompleteOutbound(ushort packetId, MqttPacket ack)
    {
        lock (_gate)
        {
            _inflight.Remove(packetId);
        }

        CompleteRequest(packetId, ack);
    }

    private void CompleteRequest(ushort packetId, MqttPacket response)
    {
        TaskCompletionSource<MqttPacket>? waiter;
        lock (_gate)
        {
            if (_pending.Remove(packetId, out waiter))
            {
                // Completed below.
            }
        }

        waiter?.TrySetResult(response);
    }

    private void FailPending(Exception error, bool keepPublishes = false)
    {
        List<TaskCompletionSource<MqttPacket>> failed = [];
        lock (_gate)
        {
            foreach (var (id, waiter) in _pending.ToArray())
            {
                if (keepPublishes && _inflight.ContainsKey(id))
                {
                    continue;
                }

                _pending.Remove(id);
                failed.Add(waiter);
            }

            if (!keepPublishes)
            {
                _inflight.Clear();
            }
        }

        foreach (var waiter in failed)
        {
            waiter.TrySetException(error);
        }
    }
}
