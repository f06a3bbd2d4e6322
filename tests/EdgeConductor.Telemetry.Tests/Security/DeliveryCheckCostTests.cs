using System.Diagnostics;
using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Server.Mqtt;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace EdgeConductor.Telemetry.Tests.Security;

/// <summary>
/// The delivery check is on the broker's hot path (one call per message per subscriber): once a receiver's rights and
/// the device's owner are cached at the current epoch it must answer synchronously and allocate nothing. Allocation
/// is deterministic, so it is asserted; the time per call is only printed.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class DeliveryCheckCostTests(ServerFixture fixture, ITestOutputHelper output)
{
    private EcServer Server => fixture.Server;

    [Fact]
    public async Task CachedDeliveryCheck_ForAServiceClient_IsSynchronous_AndAllocatesNothing()
    {
        var org = await TestOrg.CreateAsync(Server);
        var own = await org.DeviceAsync();
        var other = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        await using var service = await LiveMqtt.ServiceAsync(Server, org.ApiKey, MqttProtocolVersion.V500);
        var client = Server.Services.GetRequiredService<MqttBroker>().GetConnectedClients().Single(c => c.ClientId == service.Client.ClientId);
        var hooks = Server.Services.GetRequiredService<DeviceMqttHooks>();
        var mine = new MqttApplicationMessage(own.Topic("telemetry"), new byte[] { 1 }, MqttQualityOfService.AtLeastOnce);
        var foreign = new MqttApplicationMessage(other.Topic("telemetry"), new byte[] { 1 }, MqttQualityOfService.AtLeastOnce);
        Assert.True(await hooks.AuthorizeDeliveryAsync(client, mine, CancellationToken.None)); // slow path fills the caches
        Assert.False(await hooks.AuthorizeDeliveryAsync(client, foreign, CancellationToken.None));

        const int calls = 100_000;
        var allowed = 0;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < calls; i++)
        {
            var check = hooks.AuthorizeDeliveryAsync(client, (i & 1) == 0 ? mine : foreign, CancellationToken.None);
            Assert.True(check.IsCompletedSuccessfully);
            if (await check) allowed++; // already complete: no suspension
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        output.WriteLine($"{elapsed.TotalNanoseconds / calls:0} ns per check (informational, Debug build), {allocated} bytes allocated in {calls} checks");
        Assert.Equal(calls / 2, allowed);
        Assert.Equal(0, allocated);
    }
}
