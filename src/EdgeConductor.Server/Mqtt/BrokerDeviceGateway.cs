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
    // Filters: null until the first SUBSCRIBE; clients of a serial: the client, or a set of them (OneOrMany), so an idle
    // device connection costs no empty sets (docs/mqtt-server.md, "Memory per idle connection").
    private readonly Dictionary<MqttClientInfo, (string Serial, HashSet<string>? Filters)> _byClient = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, object> _clientsBySerial = new();

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
            foreach (var c in OneOrMany.ToArray<MqttClientInfo>(clients))
                if (_byClient.TryGetValue(c, out var entry) && entry.Filters is { } filters && filters.Any(f => MqttTopic.Matches(f, topic))) return true;
            return false;
        }
    }

    public int Disconnect(string serial)
    {
        MqttClientInfo[] clients;
        lock (_lock) clients = _clientsBySerial.TryGetValue(serial, out var set) ? OneOrMany.ToArray<MqttClientInfo>(set) : [];
        return clients.Select(c => c.SessionKey).Distinct().Count(broker.DisconnectClient);
    }

    public int ForgetRetained(string serial) => broker.ClearRetained(DeviceTopic.Root + "/" + serial + "/#");

    internal void MarkConnected(MqttClientInfo client, string serial)
    {
        lock (_lock)
        {
            _byClient[client] = (serial, null);
            OneOrMany.Add(_clientsBySerial, serial, client);
        }
    }

    internal void MarkSubscribed(MqttClientInfo client, string serial, string filter)
    {
        lock (_lock)
        {
            if (!_byClient.ContainsKey(client)) MarkConnected(client, serial);
            var entry = _byClient[client];
            if (entry.Filters is null) _byClient[client] = entry = (entry.Serial, new HashSet<string>(StringComparer.Ordinal));
            entry.Filters!.Add(filter);
        }
    }

    internal void MarkUnsubscribed(MqttClientInfo client, string filter)
    {
        lock (_lock)
        {
            if (_byClient.TryGetValue(client, out var entry)) entry.Filters?.Remove(filter);
        }
    }

    internal void ForgetClient(MqttClientInfo client)
    {
        lock (_lock)
        {
            if (!_byClient.Remove(client, out var entry)) return;
            OneOrMany.Remove(_clientsBySerial, entry.Serial, client);
        }
    }
}
