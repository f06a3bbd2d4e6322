using System.Buffers;
using System.IO.Pipelines;
using EdgeConductor.Mqtt.Codec;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Broker;

internal sealed partial class MqttServerConnection
{
    private const int MaxPacketsPerBatch = 256;

    /// <summary>
    /// Handles one read result of the read loop (in <see cref="RunAsync"/>): decodes up to <see cref="MaxPacketsPerBatch"/>
    /// packets, advances the reader and dispatches them. Returns false when the loop must end (the client closed).
    /// </summary>
    private async ValueTask<bool> ProcessReadAsync(PipeReader input, ReadResult result, List<MqttPacket> batch)
    {
        var buffer = result.Buffer;
        var consumed = ParseBatch(buffer, batch, MaxPacketsPerBatch, Options.MaximumPacketSize, out var error);
        var full = batch.Count == MaxPacketsPerBatch;
        if (batch.Count > 0)
        {
            _broker.Metrics.BytesReceived(buffer.Slice(0, consumed).Length);
            Volatile.Write(ref _lastActivityTicks, _broker.NowTicks);
        }

        input.AdvanceTo(consumed, full ? consumed : buffer.End);

        for (var i = 0; i < batch.Count && !_stopReading; i++)
        {
            var pending = DispatchAsync(batch[i]);
            if (!pending.IsCompletedSuccessfully)
            {
                await pending.ConfigureAwait(false);
            }
        }

        batch.Clear();
        if (error is not null)
        {
            throw error;
        }

        return !(result.IsCompleted && !full);
    }

    /// <summary>Decodes up to <paramref name="max"/> complete packets. Never throws: a protocol error is returned after the valid packets before it.</summary>
    private SequencePosition ParseBatch(in ReadOnlySequence<byte> buffer, List<MqttPacket> batch, int max, int maximumPacketSize, out MqttProtocolException? error)
    {
        error = null;
        var reader = new SequenceReader<byte>(buffer);
        try
        {
            while (batch.Count < max && MqttPacketReader.TryReadPacket(ref reader, _version, maximumPacketSize, out var packet))
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

    private ValueTask DispatchAsync(MqttPacket packet)
    {
        switch (packet)
        {
            case PublishPacket publish:
                return HandlePublishAsync(publish);
            case PubAckPacket ack:
                if (_session!.CompleteInflight(ack.PacketId, expectReleased: false))
                {
                    _signal.Set();
                }

                return default;
            case PubRecPacket rec:
                HandlePubRec(rec);
                return default;
            case PubRelPacket rel:
                var known = _session!.EndIncomingQos2(rel.PacketId);
                if (known && IsV5 && Volatile.Read(ref _inboundUnacked) > 0)
                {
                    Interlocked.Decrement(ref _inboundUnacked);
                }

                return EnqueueAck(new PubCompPacket { PacketId = rel.PacketId, ReasonCode = known || !IsV5 ? MqttReasonCode.Success : MqttReasonCode.PacketIdentifierNotFound });
            case PubCompPacket comp:
                if (_session!.CompleteInflight(comp.PacketId, expectReleased: true))
                {
                    _signal.Set();
                }

                return default;
            case SubscribePacket subscribe:
                return HandleSubscribeAsync(subscribe);
            case UnsubscribePacket unsubscribe:
                return HandleUnsubscribeAsync(unsubscribe);
            case PingReqPacket:
                Send(PingRespPacket.Instance);
                return default;
            case DisconnectPacket disconnect:
                HandleDisconnect(disconnect);
                return default;
            default:
                MqttProtocolException.ThrowProtocolError($"Unexpected {packet.Type} from client.");
                return default;
        }
    }

    private void HandlePubRec(PubRecPacket rec)
    {
        var failed = IsV5 && (byte)rec.ReasonCode >= 0x80;
        if (!_session!.ReleaseInflight(rec.PacketId, failed))
        {
            if (!failed)
            {
                Send(new PubRelPacket { PacketId = rec.PacketId, ReasonCode = IsV5 ? MqttReasonCode.PacketIdentifierNotFound : MqttReasonCode.Success });
            }

            return;
        }

        if (failed)
        {
            _signal.Set();
        }
        else
        {
            Send(new PubRelPacket { PacketId = rec.PacketId });
        }
    }

    private void HandleDisconnect(DisconnectPacket disconnect)
    {
        // Validate before touching the will: an invalid DISCONNECT is a protocol error (0x82), and the will of a connection
        // closed for a protocol error is published (MQTT 5.0 §3.1.2.5, §3.14.2.2.2; Mosquitto does the same).
        if (IsV5 && disconnect.Properties?.SessionExpiryInterval is { } expiry)
        {
            if (_session!.ExpiryInterval == 0 && expiry != 0)
            {
                MqttProtocolException.ThrowProtocolError("Session expiry cannot be set on DISCONNECT when it was zero at CONNECT.");
            }

            _session.ExpiryInterval = Math.Min(expiry, Options.MaximumSessionExpiryInterval);
        }

        var withWill = IsV5 && disconnect.ReasonCode == MqttReasonCode.DisconnectWithWillMessage;
        if (!withWill)
        {
            _will = null;
        }

        _closeReason = withWill ? MqttDisconnectReason.ClientDisconnectedWithWill : MqttDisconnectReason.ClientDisconnected;
        _disconnectCode = null;
        _stopReading = true;
    }
}
