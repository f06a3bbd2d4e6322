using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Client;

public sealed partial class MqttClient
{
    /// <summary>
    /// Publishes and, for QoS 1/2, waits for PUBACK / PUBCOMP (or a failed PUBREC). Returns the reason code
    /// (always Success for v3.1.1 and QoS 0). With auto-reconnect, unacknowledged messages are resent after reconnecting.
    /// </summary>
    public async Task<MqttReasonCode> PublishAsync(string topic, ReadOnlyMemory<byte> payload, MqttQualityOfService qos = MqttQualityOfService.AtMostOnce, bool retain = false, MqttProperties? properties = null, CancellationToken cancellationToken = default)
    {
        var packet = new PublishPacket { Topic = topic, Payload = payload, QoS = qos, Retain = retain, Properties = properties };
        if (qos == MqttQualityOfService.AtMostOnce)
        {
            await SendAsync(RequireConnection(), packet, cancellationToken).ConfigureAwait(false);
            return MqttReasonCode.Success;
        }

        var waiter = new TaskCompletionSource<MqttPacket>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            packet.PacketId = AllocatePacketIdLocked();
            _pending[packet.PacketId] = waiter;
            _inflight[packet.PacketId] = (packet, false, ++_sequence);
        }

        var connection = _connection;
        if (connection is not null)
        {
            try
            {
                await SendAsync(connection, packet, cancellationToken).ConfigureAwait(false);
            }
            catch (MqttClientException) when (_options.AutoReconnect && !_userDisconnected)
            {
                // Resent after reconnect.
            }
        }
        else if (!_options.AutoReconnect)
        {
            lock (_gate)
            {
                _pending.Remove(packet.PacketId);
                _inflight.Remove(packet.PacketId);
            }

            throw new MqttClientException("Not connected.");
        }

        var response = await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return response is MqttAckPacket ack ? ack.ReasonCode : MqttReasonCode.Success;
    }

    public Task<MqttReasonCode> PublishAsync(string topic, string payload, MqttQualityOfService qos = MqttQualityOfService.AtMostOnce, bool retain = false, CancellationToken cancellationToken = default) =>
        PublishAsync(topic, System.Text.Encoding.UTF8.GetBytes(payload), qos, retain, null, cancellationToken);

    public async Task<MqttReasonCode> SubscribeAsync(string filter, MqttQualityOfService qos = MqttQualityOfService.AtLeastOnce, CancellationToken cancellationToken = default)
    {
        var suback = await SubscribeAsync([new MqttTopicSubscription(filter, qos)], 0, cancellationToken).ConfigureAwait(false);
        return suback.ReasonCodes.Count > 0 ? suback.ReasonCodes[0] : MqttReasonCode.UnspecifiedError;
    }

    public async Task<SubAckPacket> SubscribeAsync(IReadOnlyList<MqttTopicSubscription> subscriptions, uint subscriptionId = 0, CancellationToken cancellationToken = default)
    {
        var packet = new SubscribePacket { Subscriptions = [.. subscriptions] };
        if (subscriptionId != 0)
        {
            packet.Properties = new MqttProperties { SubscriptionIdentifiers = [subscriptionId] };
        }

        var response = (SubAckPacket)await RequestAsync(packet, id => packet.PacketId = id, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            for (var i = 0; i < subscriptions.Count && i < response.ReasonCodes.Count; i++)
            {
                if ((byte)response.ReasonCodes[i] < 0x80)
                {
                    _subscriptions[subscriptions[i].Filter] = subscriptions[i];
                }
            }
        }

        return response;
    }

    public async Task<UnsubAckPacket> UnsubscribeAsync(params string[] filters)
    {
        var packet = new UnsubscribePacket { Filters = [.. filters] };
        var response = (UnsubAckPacket)await RequestAsync(packet, id => packet.PacketId = id, CancellationToken.None).ConfigureAwait(false);
        lock (_gate)
        {
            foreach (var filter in filters)
            {
                _subscriptions.Remove(filter);
            }
        }

        return response;
    }

    private async Task<MqttPacket> RequestAsync(MqttPacket packet, Action<ushort> setId, CancellationToken cancellationToken)
    {
        var connection = RequireConnection();
        var waiter = new TaskCompletionSource<MqttPacket>(TaskCreationOptions.RunContinuationsAsynchronously);
        ushort id;
        lock (_gate)
        {
            id = AllocatePacketIdLocked();
            _pending[id] = waiter;
        }

        setId(id);
        try
        {
            await SendAsync(connection, packet, cancellationToken).ConfigureAwait(false);
            return await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _pending.Remove(id);
            }
        }
    }

    private ushort AllocatePacketIdLocked()
    {
        for (var i = 0; i < 65536; i++)
        {
            _lastPacketId = _lastPacketId == ushort.MaxValue ? (ushort)1 : (ushort)(_lastPacketId + 1);
            if (!_pending.ContainsKey(_lastPacketId) && !_inflight.ContainsKey(_lastPacketId))
            {
                return _lastPacketId;
            }
        }

        throw new MqttClientException("No free packet identifier.");
    }
}
