using System.Net;
using System.Text.Json.Nodes;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Telemetry.Tests.Commands;

/// <summary>
/// The command lifecycle end to end: queued → sent → acknowledged → succeeded | failed, with a real MQTT device
/// (mosquitto_sub receives, mosquitto_pub answers on devices/{serial}/commands/ack) and a polling HTTPS device
/// (GET …/commands, POST …/commands/:id/ack).
/// </summary>
public abstract class CommandLifecycleTestsBase(ServerFixture fixture)
{
    private EcServer Server => fixture.Server;

    private static Task<JsonNode> CommandAsync(TestDevice d, string id) => d.Org.GetAsync($"devices/{d.Serial}/commands/{id}");

    private static async Task<HttpResponseMessage> DeviceAckAsync(EcServer server, TestDevice d, string id, string body)
    {
        using var http = server.Http();
        return await http.PostRawAsync($"devices/{d.Serial}/commands/{id}/ack", body, d.Secret);
    }

    [Fact]
    public async Task CustomCommand_OverMqtt_IsSentLive_AcknowledgedAndSucceeded_WithTheDevicesResult()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var topic = d.Topic("commands");
        await using var sub = Mosquitto.Subscribe(Mosquitto.As(d, 5), [topic], count: 1);
        await sub.WaitForSubAckAsync();

        var created = await org.Http.PostRawAsync($"devices/{d.Serial}/commands", """{"cmd":"set_interval","params":{"seconds":30},"expires_in":600}""")
            .ExpectAsync(HttpStatusCode.Accepted);
        var id = created["id"]!.GetValue<string>();
        Assert.Equal("sent", created["state"]!.GetValue<string>());
        Assert.Equal("mqtt", created["sent_via"]!.GetValue<string>());

        var line = await sub.WaitForLineAsync(l => l.StartsWith(topic + " "), what: "the command");
        var msg = JsonNode.Parse(line[(topic.Length + 1)..])!;
        Assert.Equal("set_interval", msg["cmd"]!.GetValue<string>());
        Assert.Equal(id, msg["id"]!.GetValue<string>());
        Assert.Equal(30, msg["seconds"]!.GetValue<int>());
        Assert.NotNull(msg["expires_at"]);

        var accepted = await Mosquitto.PublishAsync(d, "commands/ack", $$"""{"id":"{{id}}","status":"accepted"}""", 1, 5);
        Assert.True(accepted.ExitCode == 0 && accepted.Stdout.Contains("RC:0"), accepted.ToString());
        var ack = await CommandAsync(d, id);
        Assert.Equal("acknowledged", ack["state"]!.GetValue<string>());
        Assert.NotNull(ack["acknowledged_at"]);
        Assert.Null(ack["completed_at"]);

        var done = await Mosquitto.PublishAsync(d, "commands/ack", $$"""{"id":"{{id}}","status":"succeeded","result":"interval is 30 s"}""", 1, 5);
        Assert.Contains("RC:0", done.Stdout);
        var final = await CommandAsync(d, id);
        Assert.Equal("succeeded", final["state"]!.GetValue<string>());
        Assert.Equal("interval is 30 s", final["result"]!.GetValue<string>());
        Assert.NotNull(final["completed_at"]);

        // The same answer again (a lost PUBACK) is fine; a different final answer is refused with 0x83 and changes nothing.
        Assert.Contains("RC:0", (await Mosquitto.PublishAsync(d, "commands/ack", $$"""{"id":"{{id}}","status":"succeeded"}""", 1, 5)).Stdout);
        Assert.Contains("RC:131", (await Mosquitto.PublishAsync(d, "commands/ack", $$"""{"id":"{{id}}","status":"failed"}""", 1, 5)).Stdout);
        Assert.Contains("RC:153", (await Mosquitto.PublishAsync(d, "commands/ack", $$"""{"id":"{{id}}","status":"done"}""", 1, 5)).Stdout);
        Assert.Contains("RC:131", (await Mosquitto.PublishAsync(d, "commands/ack", """{"id":"no-such-command","status":"accepted"}""", 1, 5)).Stdout);
        Assert.Equal("succeeded", (await CommandAsync(d, id))["state"]!.GetValue<string>());

        var recent = (JsonArray)await org.GetAsync($"devices/{d.Serial}/commands/recent");
        var listed = Assert.Single(recent);
        Assert.Equal(id, listed!["id"]!.GetValue<string>());
        Assert.Equal("succeeded", listed["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task Reboot_ToAPollingHttpsDevice_IsQueuedThenSent_AcknowledgedThenFailed()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var reboot = await org.Http.PostAsync($"devices/{d.Serial}/reboot", null).ExpectAsync(HttpStatusCode.Accepted);
        var id = reboot["command_id"]!.GetValue<string>();
        Assert.Equal("queued", (await CommandAsync(d, id))["state"]!.GetValue<string>());

        using var device = Server.Http();
        using (var req = new HttpRequestMessage(HttpMethod.Get, $"devices/{d.Serial}/commands"))
        {
            req.Headers.Add("X-Device-Secret", d.Secret);
            using var poll = await device.SendAsync(req);
            var body = JsonNode.Parse(await poll.Content.ReadAsStringAsync())!;
            Assert.Equal(id, body["commands"]![0]!["id"]!.GetValue<string>());
        }
        var sent = await CommandAsync(d, id);
        Assert.Equal("sent", sent["state"]!.GetValue<string>());
        Assert.Equal("http", sent["sent_via"]!.GetValue<string>());

        var acked = await DeviceAckAsync(Server, d, id, """{"status":"accepted"}""").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("acknowledged", acked["state"]!.GetValue<string>());
        var failed = await DeviceAckAsync(Server, d, id, $$"""{"id":"{{id}}","status":"failed","result":"battery too low"}""").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("failed", failed["state"]!.GetValue<string>());
        Assert.Equal("battery too low", failed["result"]!.GetValue<string>());

        var conflict = await DeviceAckAsync(Server, d, id, """{"status":"succeeded"}""").ExpectAsync(HttpStatusCode.Conflict);
        Assert.Contains("failed", conflict["detail"]!.GetValue<string>());
        Assert.Equal("failed", (await CommandAsync(d, id))["state"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"status":"done"}""", "status")]
    [InlineData("""{"status":"accepted","result":42}""", "result")]
    [InlineData("""{"status":"accepted","id":"another"}""", "id")]
    [InlineData("""{"status":"accepted","extra":1}""", "extra")]
    [InlineData("""{"status":"accepted","status":"failed"}""", "body")]
    [InlineData("""[1]""", "body")]
    public async Task BadHttpsAnswer_Is400NamingTheField(string body, string field)
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var id = (await org.Http.PostAsync($"devices/{d.Serial}/reboot", null).ExpectAsync(HttpStatusCode.Accepted))["command_id"]!.GetValue<string>();
        var problem = await DeviceAckAsync(Server, d, id, body).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]![field]);
        Assert.Equal("queued", (await CommandAsync(d, id))["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task HttpsAnswer_NeedsTheDeviceCredential_AndAKnownCommand()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var other = await org.DeviceAsync();
        var id = (await org.Http.PostAsync($"devices/{d.Serial}/reboot", null).ExpectAsync(HttpStatusCode.Accepted))["command_id"]!.GetValue<string>();
        await org.Http.PostRawAsync($"devices/{d.Serial}/commands/{id}/ack", """{"status":"accepted"}""").ExpectAsync(HttpStatusCode.Forbidden);
        await DeviceAckAsync(Server, d, "no-such-command", """{"status":"accepted"}""").ExpectAsync(HttpStatusCode.NotFound);
        await DeviceAckAsync(Server, other, id, """{"status":"accepted"}""").ExpectAsync(HttpStatusCode.NotFound); // another device's command
        using var wrong = Server.Http();
        using (var r = await wrong.PostRawAsync($"devices/{d.Serial}/commands/{id}/ack", """{"status":"accepted"}""", "wrong-secret"))
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        Assert.Equal("queued", (await CommandAsync(d, id))["state"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"params":{}}""", "cmd")]
    [InlineData("""{"cmd":"bad name"}""", "cmd")]
    [InlineData("""{"cmd":"x","params":[1]}""", "params")]
    [InlineData("""{"cmd":"x","params":{"id":"mine"}}""", "params.id")]
    [InlineData("""{"cmd":"x","expires_in":10}""", "expires_in")]
    [InlineData("""{"cmd":"x","expires_in":604801}""", "expires_in")]
    [InlineData("""{"cmd":"x","other":1}""", "other")]
    public async Task BadCustomCommand_Is400NamingTheField_AndQueuesNothing(string body, string field)
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var problem = await org.Http.PostRawAsync($"devices/{d.Serial}/commands", body).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]![field]);
        Assert.Empty((JsonArray)await org.GetAsync($"devices/{d.Serial}/commands/recent"));
    }
}

[Collection(ServerCollection.Name)]
public sealed class CommandLifecycleTests(ServerFixture fixture) : CommandLifecycleTestsBase(fixture);

[Collection(PostgresCollection.Name)]
public sealed class PostgresCommandLifecycleTests(PostgresServerFixture fixture) : CommandLifecycleTestsBase(fixture);
