using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Server.Mqtt;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeConductor.Telemetry.Tests.Security;

/// <summary>
/// Issue 8, "Broker memory per credential": persistent sessions do not live forever (EC_MQTT_SESSION_EXPIRY, default
/// 7 days): 3.1.1 sessions expire 7 days after their disconnect, and a v5 client's longer Session Expiry is lowered
/// and announced in CONNACK. A server of its own: the test moves its clock by a week.
/// </summary>
public sealed class MqttSessionExpiryTests : IAsyncLifetime
{
    private EcServer _server = null!;

    public Task InitializeAsync()
    {
        _server = new EcServer().Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task V311PersistentSession_ExpiresSevenDaysAfterItsDisconnect()
    {
        var d = await (await TestOrg.CreateAsync(_server)).DeviceAsync();
        var broker = _server.Services.GetRequiredService<MqttBroker>();
        await using (var client = await MqttSessionClient.ConnectAsync(d, "fw-311", 311))
        {
            await client.SubscribeAsync(d.Topic("commands"), MqttQualityOfService.AtLeastOnce);
            await client.DisconnectAsync();
        }

        var owner = MqttPrincipal.DeviceOwner((await d.Org.GetAsync($"devices/{d.Serial}"))["id"]!.GetValue<string>());
        var key = new MqttSessionKey(owner, "fw-311");
        await Eventually.ValueAsync(() => Task.FromResult(broker.ConnectedClientCount), n => n == 0);
        _server.Clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));

        // The broker sweeps once a second on real timers: once two more sweeps have finished, at least one whole sweep saw
        // the moved clock one minute short of the expiry, and the session must still be there.
        var sweeps = broker.CompletedSweeps;
        await Eventually.ValueAsync(() => Task.FromResult(broker.CompletedSweeps), n => n >= sweeps + 2);
        Assert.True(broker.CompletedSweeps >= sweeps + 2, "the broker did not sweep");
        Assert.NotNull(broker.GetSessionQueueState(key));

        _server.Clock.Advance(TimeSpan.FromMinutes(2));
        var gone = await Eventually.ValueAsync(() => Task.FromResult(broker.GetSessionQueueState(key) is null), g => g);
        Assert.True(gone, "the 3.1.1 session should have expired a week after its disconnect");
        await using var back = await MqttSessionClient.ConnectAsync(d, "fw-311", 311);
        Assert.False(back.LastConnAck!.SessionPresent);
    }

    [Fact]
    public async Task V5SessionExpiryBeyondSevenDays_IsLoweredAndSentBackInConnAck()
    {
        var d = await (await TestOrg.CreateAsync(_server)).DeviceAsync();
        await using var client = MqttSessionClient.Create(_server, "fw-5", d.Serial, d.Secret, 5, persistent: true, sessionExpiry: uint.MaxValue);
        await client.ConnectAsync();
        Assert.Equal(604_800u, client.LastConnAck!.Properties!.SessionExpiryInterval);
    }
}
