using System.Text;
using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Client;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Server.Mqtt;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeConductor.Telemetry.Tests.Security;

/// <summary>
/// Issue 8, "Broker memory per credential": the server's default caps (EC_MQTT_MAX_SESSIONS_PER_CREDENTIAL = 20,
/// EC_MQTT_MAX_SUBSCRIPTIONS = 200, EC_MQTT_MAX_FILTER_LENGTH = 256 bytes) and their reason codes, over real sockets.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class MqttBrokerLimitTests(ServerFixture fixture)
{
    private EcServer Server => fixture.Server;

    [Fact]
    public async Task OneDeviceCredential_With20SessionsOnline_TheNextIsRefusedWithQuotaExceeded()
    {
        var d = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        var online = new List<MqttClient>();
        try
        {
            for (var i = 0; i < 20; i++)
                online.Add(await MqttSessionClient.ConnectAsync(d, $"s-{i}", 5, persistent: true));

            var v5 = MqttSessionClient.Create(Server, "s-20", d.Serial, d.Secret, 5, persistent: true);
            Assert.Equal(MqttReasonCode.QuotaExceeded, (await Assert.ThrowsAsync<MqttClientException>(() => v5.ConnectAsync())).ReasonCode);
            var v3 = MqttSessionClient.Create(Server, "s-21", d.Serial, d.Secret, 311, persistent: true);
            Assert.Equal(MqttReasonCode.ServerUnavailable, (await Assert.ThrowsAsync<MqttClientException>(() => v3.ConnectAsync())).ReasonCode);
            await v5.DisposeAsync();
            await v3.DisposeAsync();

            // One goes offline: its persistent session is what a new session replaces (the longest-offline one).
            await online[0].DisconnectAsync();
            var broker = Server.Services.GetRequiredService<MqttBroker>();
            var owner = MqttPrincipal.DeviceOwner(await DeviceIdAsync(d));
            await using var next = await MqttSessionClient.ConnectAsync(d, "s-22", 5, persistent: true);
            Assert.Equal(20, broker.GetSessionCount(owner));
            Assert.Null(broker.GetSessionQueueState(new MqttSessionKey(owner, "s-0")));
        }
        finally
        {
            foreach (var c in online) await c.DisposeAsync();
        }
    }

    private static async Task<string> DeviceIdAsync(TestDevice d) =>
        (await d.Org.GetAsync($"devices/{d.Serial}"))["id"]!.GetValue<string>();

    [Theory]
    [InlineData(311, MqttReasonCode.UnspecifiedError)]
    [InlineData(5, MqttReasonCode.QuotaExceeded)]
    public async Task Subscriptions_Beyond200PerSession_AreRefused(int version, MqttReasonCode expected)
    {
        var d = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        await using var client = await MqttSessionClient.ConnectAsync(d, "subs-" + version, version, persistent: false);
        var filters = Enumerable.Range(0, 201).Select(i => new MqttTopicSubscription($"devices/{d.Serial}/x/{i}", MqttQualityOfService.AtLeastOnce)).ToList();
        var ack = await client.SubscribeAsync(filters);
        Assert.All(ack.ReasonCodes.Take(200), c => Assert.Equal(MqttReasonCode.GrantedQoS1, c));
        Assert.Equal(expected, ack.ReasonCodes[200]);
    }

    [Theory]
    [InlineData(311, MqttReasonCode.UnspecifiedError)]
    [InlineData(5, MqttReasonCode.TopicFilterInvalid)]
    public async Task TopicFilter_LongerThan256Bytes_IsRefused(int version, MqttReasonCode expected)
    {
        var d = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        await using var client = await MqttSessionClient.ConnectAsync(d, "long-" + version, version, persistent: false);
        var prefix = $"devices/{d.Serial}/";
        var fits = prefix + new string('a', 256 - prefix.Length);
        var over = prefix + new string('a', 257 - prefix.Length);
        Assert.Equal(256, Encoding.UTF8.GetByteCount(fits));
        var ack = await client.SubscribeAsync([new(fits, MqttQualityOfService.AtLeastOnce), new(over, MqttQualityOfService.AtLeastOnce)]);
        Assert.Equal([MqttReasonCode.GrantedQoS1, expected], ack.ReasonCodes);
    }
}
