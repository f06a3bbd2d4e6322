using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Topics;
using EdgeConductor.Server.Gateway;

namespace EdgeConductor.Server.Mqtt;

/// <summary>
/// <see cref="IDeviceGateway"/> over the built-in broker: publishes to devices/{serial}/… at QoS 1, and keeps the topic
/// filters each connected device client holds, so "is this device listening on this channel" follows SUBSCRIBE,
/// UNSUBSCRIBE and disconnects exactly (overlapping filters included).
/// </summary>
internal sealed class BrokerDeviceGateway(MqttBroker broker) : IDeviceGateway
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (string Serial, HashSet<string> Filters)> _byClient = new();
    private readonly Dictionary<string, HashSet<string>> _clientsBySerial = new();

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

    internal void MarkSubscribed(string clientId, string serial, string filter)
    {
        lock (_lock)
        {
            if (!_byClient.TryGetValue(clientId, out var entry))
            {
                entry = (serial, new HashSet<string>(StringComparer.Ordinal));
                _byClient[clientId] = entry;
            }
            entry.Filters.Add(filter);
            if (!_clientsBySerial.TryGetValue(serial, out var clients)) _clientsBySerial[serial] = clients = new HashSet<string>();
            clients.Add(clientId);
        }
    }

    internal void MarkUnsubscribed(string clientId, string filter)
    {
        lock (_lock)
        {
            if (_byClient.TryGetValue(clientId, out var entry)) entry.Filters.Remove(filter);
        }
    }

    internal void ForgetClient(string clientId)
    {
        lock (_lock)
        {
            if (!_byClient.Remove(clientId, out var entry)) return;
            if (_clientsBySerial.TryGetValue(entry.Serial, out var clients) && clients.Remove(clientId) && clients.Count == 0)
                _clientsBySerial.Remove(entry.Serial);
        }
    }
}
