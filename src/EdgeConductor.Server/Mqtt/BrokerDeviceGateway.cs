using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Topics;
using EdgeConductor.Server.Gateway;

namespace EdgeConductor.Server.Mqtt;

/// <summary>
/// <see cref="IDeviceGateway"/> over the built-in broker: publishes to devices/{serial}/… at QoS 1, and keeps the topic
/// filters each connected device client holds, so "is this device listening on this channel" follows SUBSCRIBE,
/// UNSUBSCRIBE and disconnects exactly (overlapping filters included). Clients are tracked per connection
/// (<see cref="MqttClientInfo"/>), never by client id: devices of different orgs may use the same client id at once, and a
/// taken-over connection's late disconnect must not forget its successor.
/// </summary>
internal sealed class BrokerDeviceGateway(MqttBroker broker) : IDeviceGateway
{
    private readonly Lock _lock = new();
    private readonly Dictionary<MqttClientInfo, (string Serial, HashSet<string> Filters)> _byClient = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, HashSet<MqttClientInfo>> _clientsBySerial = new();

    public async ValueTask<bool> SendAsync(string serial, DeviceChannel channel, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        var listening = IsListening(serial, channel);
        await broker.PublishAsync(new MqttApplicationMessage(DeviceTopic.For(serial, channel), payload, MqttQualityOfService.AtLeastOnce));
        return listening;
    }

    public bool IsListening(string serial, DeviceChannel channel)
    {
        var topic = DeviceTopic.For(serial, channel);
        lock (_lock)
        {
            if (!_clientsBySerial.TryGetValue(serial, out var clients)) return false;
            foreach (var c in clients)
                if (_byClient.TryGetValue(c, out var entry) && entry.Filters.Any(f => MqttTopic.Matches(f, topic))) return true;
            return false;
        }
    }

    public int Disconnect(string serial)
    {
        MqttClientInfo[] clients;
        lock (_lock) clients = _clientsBySerial.TryGetValue(serial, out var set) ? set.ToArray() : [];
        return clients.Select(c => c.SessionKey).Distinct().Count(broker.DisconnectClient);
    }

    public int ForgetRetained(string serial) => broker.ClearRetained(DeviceTopic.Root + "/" + serial + "/#");

    internal void MarkConnected(MqttClientInfo client, string serial)
    {
        lock (_lock)
        {
            _byClient[client] = (serial, new HashSet<string>(StringComparer.Ordinal));
            if (!_clientsBySerial.TryGetValue(serial, out var clients))
                _clientsBySerial[serial] = clients = new HashSet<MqttClientInfo>(ReferenceEqualityComparer.Instance);
            clients.Add(client);
        }
    }

    internal void MarkSubscribed(MqttClientInfo client, string serial, string filter)
    {
        lock (_lock)
        {
            if (!_byClient.ContainsKey(client)) MarkConnected(client, serial);
            _byClient[client].Filters.Add(filter);
        }
    }

    internal void MarkUnsubscribed(MqttClientInfo client, string filter)
    {
        lock (_lock)
        {
            if (_byClient.TryGetValue(client, out var entry)) entry.Filters.Remove(filter);
        }
    }

    internal void ForgetClient(MqttClientInfo client)
    {
        lock (_lock)
        {
            if (!_byClient.Remove(client, out var entry)) return;
            if (_clientsBySerial.TryGetValue(entry.Serial, out var clients) && clients.Remove(client) && clients.Count == 0)
                _clientsBySerial.Remove(entry.Serial);
        }
    }
}
