using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Server.Gateway;

namespace EdgeConductor.Server.Mqtt;

/// <summary>
/// <see cref="IDeviceGateway"/> over the built-in broker: publishes to devices/{serial}/… at QoS 1 and tracks which
/// connected clients of which device listen on which channel.
/// </summary>
internal sealed class BrokerDeviceGateway(MqttBroker broker) : IDeviceGateway
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (string Serial, HashSet<DeviceChannel> Channels)> _byClient = new();
    private readonly Dictionary<string, HashSet<string>> _clientsBySerial = new();

    public async ValueTask<bool> SendAsync(string serial, DeviceChannel channel, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        var listening = IsListening(serial, channel);
        await broker.PublishAsync(new MqttApplicationMessage(DeviceTopic.For(serial, channel), payload, MqttQualityOfService.AtLeastOnce));
        return listening;
    }

    public bool IsListening(string serial, DeviceChannel channel)
    {
        lock (_lock)
        {
            if (!_clientsBySerial.TryGetValue(serial, out var clients)) return false;
            foreach (var c in clients)
                if (_byClient.TryGetValue(c, out var entry) && entry.Channels.Contains(channel)) return true;
            return false;
        }
    }

    internal void MarkListening(string clientId, string serial, DeviceChannel channel)
    {
        lock (_lock)
        {
            if (!_byClient.TryGetValue(clientId, out var entry))
            {
                entry = (serial, new HashSet<DeviceChannel>());
                _byClient[clientId] = entry;
            }
            entry.Channels.Add(channel);
            if (!_clientsBySerial.TryGetValue(serial, out var clients)) _clientsBySerial[serial] = clients = new HashSet<string>();
            clients.Add(clientId);
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
