using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Telemetry.Tests.Commands;

/// <summary>POST /devices/:serial/reboot over MQTT (live and on the next subscribe) and HTTPS polling with ETag.</summary>
public abstract class CommandTestsBase(ServerFixture fixture)
{
    private EcServer Server => fixture.Server;

    private static Task<JsonNode> RebootAsync(TestDevice d) =>
        d.Org.Http.PostAsync($"devices/{d.Serial}/reboot", null).ExpectAsync(HttpStatusCode.Accepted);

    private static JsonNode MessageOn(RunningTool sub, string line, string topic) => JsonNode.Parse(line[(topic.Length + 1)..])!;

    private sealed record Poll(HttpStatusCode Status, string? ETag, JsonNode? Body);

    private async Task<Poll> PollAsync(TestDevice d, bool asDevice, string? ifNoneMatch = null)
    {
        using var anon = Server.Http();
        var http = asDevice ? anon : d.Org.Http;
        using var req = new HttpRequestMessage(HttpMethod.Get, $"devices/{d.Serial}/commands");
        if (asDevice) req.Headers.Add("X-Device-Secret", d.Secret);
        if (ifNoneMatch is not null) req.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(ifNoneMatch));
        using var r = await http.SendAsync(req);
        var text = await r.Content.ReadAsStringAsync();
        return new Poll(r.StatusCode, r.Headers.ETag?.ToString(), text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    [Theory]
    [InlineData(311)]
    [InlineData(5)]
    public async Task Reboot_IsDeliveredLive_ToASubscribedDevice(int version)
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var topic = d.Topic("commands");
        await using var sub = Mosquitto.Subscribe(Mosquitto.As(d, version), [topic], count: 1);
        await sub.WaitForLineAsync(l => l.StartsWith("Subscribed"), what: "SUBACK");

        var reboot = await RebootAsync(d);
        Assert.True(reboot["delivered"]!.GetValue<bool>());

        var msg = MessageOn(sub, await sub.WaitForLineAsync(l => l.StartsWith(topic + " "), what: "the reboot command"), topic);
        Assert.Equal("reboot", msg["cmd"]!.GetValue<string>());
        Assert.Equal(reboot["command_id"]!.GetValue<string>(), msg["id"]!.GetValue<string>());

        var poll = await PollAsync(d, asDevice: true);
        Assert.False(poll.Body!["reboot"]!.GetValue<bool>()); // delivered over MQTT: not repeated to the poller
    }

    [Fact]
    public async Task Reboot_ToAnOfflineDevice_IsDeliveredOnItsNextSubscribe_Once()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var reboot = await RebootAsync(d);
        Assert.False(reboot["delivered"]!.GetValue<bool>());
        var topic = d.Topic("commands");

        await using (var sub = Mosquitto.Subscribe(Mosquitto.As(d, 5), [topic], count: 1))
        {
            var msg = MessageOn(sub, await sub.WaitForLineAsync(l => l.StartsWith(topic + " "), what: "the pending reboot"), topic);
            Assert.Equal("reboot", msg["cmd"]!.GetValue<string>());
            Assert.Equal(reboot["command_id"]!.GetValue<string>(), msg["id"]!.GetValue<string>());
            Assert.Equal(0, await sub.WaitForExitAsync());
        }

        // No reboot loop: the delivered reboot is not sent again on the next subscribe; a desired change (the control) is.
        await using var again = Mosquitto.Subscribe(Mosquitto.As(d, 5), [topic, d.Topic("shadow/desired")], count: 1);
        await again.AssertNothingArrivesAsync(
            unwanted: l => l.StartsWith(topic + " "),
            sendControl: () => d.Org.Http.PatchRawAsync($"devices/{d.Serial}/shadow/desired", """{"control":1}""").ExpectAsync(HttpStatusCode.OK),
            control: l => l.StartsWith(d.Topic("shadow/desired") + " ") && l.Contains("\"control\":1"));
    }

    [Fact]
    public async Task Reboot_WithDeviceSubscribedToItsWholeNamespace_IsDelivered()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        await RebootAsync(d);
        await using var sub = Mosquitto.Subscribe(Mosquitto.As(d), [$"devices/{d.Serial}/#"], count: 1);
        var line = await sub.WaitForLineAsync(l => l.StartsWith(d.Topic("commands") + " "), what: "the pending reboot via devices/{serial}/#");
        Assert.Contains("\"reboot\"", line);
    }

    [Fact]
    public async Task DevicePoll_ShowsRebootOnce_ThenItIsConsumed()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var reboot = await RebootAsync(d);

        var first = await PollAsync(d, asDevice: true);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.True(first.Body!["reboot"]!.GetValue<bool>());
        Assert.Equal(reboot["command_id"]!.GetValue<string>(), first.Body["commands"]![0]!["id"]!.GetValue<string>());

        var second = await PollAsync(d, asDevice: true, ifNoneMatch: first.ETag);
        Assert.Equal(HttpStatusCode.OK, second.Status); // changed: the reboot is gone
        Assert.False(second.Body!["reboot"]!.GetValue<bool>());
        Assert.Empty(second.Body["commands"]!.AsArray());
    }

    [Fact]
    public async Task OperatorPoll_DoesNotConsumeTheReboot()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        await RebootAsync(d);

        for (var i = 0; i < 2; i++)
            Assert.True((await PollAsync(d, asDevice: false)).Body!["reboot"]!.GetValue<bool>());
        Assert.True((await PollAsync(d, asDevice: true)).Body!["reboot"]!.GetValue<bool>());
        Assert.False((await PollAsync(d, asDevice: true)).Body!["reboot"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Poll_WithCurrentETag_Is304_UntilDesiredStateChanges()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var first = await PollAsync(d, asDevice: true);
        Assert.NotNull(first.ETag);
        Assert.Equal(d.Serial, first.Body!["serial_no"]!.GetValue<string>());

        var same = await PollAsync(d, asDevice: true, ifNoneMatch: first.ETag);
        Assert.Equal(HttpStatusCode.NotModified, same.Status);
        Assert.Null(same.Body);

        await d.Org.Http.PatchRawAsync($"devices/{d.Serial}/shadow/desired", """{"relay":true}""").ExpectAsync(HttpStatusCode.OK);
        var changed = await PollAsync(d, asDevice: true, ifNoneMatch: first.ETag);
        Assert.Equal(HttpStatusCode.OK, changed.Status);
        Assert.NotEqual(first.ETag, changed.ETag);
        Assert.True(changed.Body!["desired"]!["relay"]!.GetValue<bool>());

        Assert.Equal(HttpStatusCode.NotModified, (await PollAsync(d, asDevice: true, ifNoneMatch: changed.ETag)).Status);
    }

    [Fact]
    public async Task Poll_WithWrongDeviceSecret_Is401()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var other = await org.DeviceAsync();
        var poll = await PollAsync(d with { Secret = other.Secret }, asDevice: true);
        Assert.Equal(HttpStatusCode.Unauthorized, poll.Status);
    }

    // Regression: the gateway used to count a device as listening after UNSUBSCRIBE (no unsubscribe hook), reported the
    // reboot delivered and the device never got it. OnUnsubscribedAsync now removes the filter.
    [Fact]
    public async Task Reboot_ToADeviceThatUnsubscribed_IsNotReportedDelivered_AndStaysPending()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var topic = d.Topic("commands");
        // Subscribes to commands, then unsubscribes from it, and stays connected (listening to shadow/desired only).
        await using var sub = Mosquitto.Subscribe(Mosquitto.As(d, 5), [topic, d.Topic("shadow/desired")], count: 1, timeoutSeconds: 4, 1, "-U", topic);
        await sub.WaitForLineAsync(l => l.Contains("UNSUBACK"), what: "UNSUBACK");

        var reboot = await RebootAsync(d);
        Assert.False(reboot["delivered"]!.GetValue<bool>(), "the device is not subscribed to commands any more");
        Assert.True((await PollAsync(d, asDevice: false)).Body!["reboot"]!.GetValue<bool>(), "the reboot was lost: marked delivered to nobody");
    }
}

[Collection(ServerCollection.Name)]
public sealed class CommandTests(ServerFixture fixture) : CommandTestsBase(fixture);

[Collection(PostgresCollection.Name)]
public sealed class PostgresCommandTests(PostgresServerFixture fixture) : CommandTestsBase(fixture);
