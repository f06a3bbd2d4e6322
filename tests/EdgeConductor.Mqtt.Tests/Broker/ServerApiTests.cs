using System.Diagnostics.Metrics;
using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Broker;

public sealed class ServerApiTests
{
    [Fact]
    public async Task PublishAsync_Retained_StoredAndRouted()
    {
        await using var test = TestBroker.Start();
        var live = await test.ConnectAsync("live");
        await live.SubscribeAsync("cfg/#");
        await test.Broker.PublishAsync(new MqttApplicationMessage("cfg/a", "1"u8.ToArray(), MqttQualityOfService.AtLeastOnce, retain: true));
        Assert.Equal("1", (await live.ReceiveAsync()).Text());
        var later = await test.ConnectAsync("later");
        await later.SubscribeAsync("cfg/#");
        Assert.True((await later.ReceiveAsync()).Retain);
    }

    [Fact]
    public async Task PublishAsync_InvalidTopic_Throws()
    {
        await using var test = TestBroker.Start();
        await Assert.ThrowsAsync<ArgumentException>(async () => await test.Broker.PublishAsync(new MqttApplicationMessage("a/#", default)));
    }

    [Fact]
    public async Task ConnectedClients_ListedWithConnectionInfo()
    {
        await using var test = TestBroker.Start();
        await test.ConnectAsync("one", MqttProtocolVersion.V311, o => o.UserName = "u1");
        await test.ConnectAsync("two");
        var clients = test.Broker.GetConnectedClients().OrderBy(c => c.ClientId).ToList();
        Assert.Equal(["one", "two"], clients.Select(c => c.ClientId));
        Assert.Equal("u1", clients[0].UserName);
        Assert.Equal(MqttProtocolVersion.V311, clients[0].ProtocolVersion);
        Assert.Equal("tcp", clients[0].Connection.TransportName);
        Assert.NotNull(clients[0].Connection.RemoteEndPoint);
        Assert.Equal(2, test.Broker.ConnectedClientCount);
    }

    [Fact]
    public async Task Metrics_PublishedOnEdgeConductorMqttMeter()
    {
        var measurements = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == MqttBroker.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (measurements)
            {
                measurements[instrument.Name] = measurements.GetValueOrDefault(instrument.Name) + value;
            }
        });
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) =>
        {
            lock (measurements)
            {
                measurements[instrument.Name] = Math.Max(measurements.GetValueOrDefault(instrument.Name), value);
            }
        });
        listener.Start();

        await using var test = TestBroker.Start();
        var sub = await test.ConnectAsync("m-sub");
        await sub.SubscribeAsync("m");
        var pub = await test.ConnectAsync("m-pub");
        await pub.PublishAsync("m", "x", MqttQualityOfService.AtLeastOnce);
        await sub.ReceiveAsync();
        listener.RecordObservableInstruments();

        lock (measurements)
        {
            Assert.True(measurements.GetValueOrDefault("mqtt.messages.received") >= 1);
            Assert.True(measurements.GetValueOrDefault("mqtt.messages.sent") >= 1);
            Assert.True(measurements.GetValueOrDefault("mqtt.bytes.received") > 0);
            Assert.True(measurements.GetValueOrDefault("mqtt.bytes.sent") > 0);
            Assert.True(measurements.GetValueOrDefault("mqtt.connections") >= 2);
        }
    }
}
