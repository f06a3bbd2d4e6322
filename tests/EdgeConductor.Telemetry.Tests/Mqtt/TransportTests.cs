using System.Text.Json.Nodes;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Telemetry.Tests.Mqtt;

/// <summary>The TLS listener (generated self-signed certificate) and MQTT over WebSocket at /mqtt.</summary>
[Collection(ServerCollection.Name)]
public sealed class TransportTests(ServerFixture fixture)
{
    private EcServer Server => fixture.Server;

    private List<string> Tls(TestDevice d, int version) =>
    [
        "-h", "127.0.0.1", "-p", Server.MqttsPort.ToString(), "-V", Mosquitto.Version(version),
        "--cafile", Server.ExportTlsCaPem(), "--insecure", "-u", d.Serial, "-P", d.Secret,
    ];

    private static async Task<JsonArray> HistoryAsync(TestDevice d) => (JsonArray)await d.Org.GetAsync($"devices/{d.Serial}/telemetry");

    [Theory]
    [InlineData(311, 1)]
    [InlineData(5, 1)]
    [InlineData(5, 2)]
    public async Task Mosquitto_OverTls_PublishesTelemetry(int version, int qos)
    {
        var d = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        var r = await Mosquitto.PublishAsync(Tls(d, version), d.Topic("telemetry"), """{"temp":23.5}""", qos);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(23.5, Assert.Single(await HistoryAsync(d))!["temp"]!.GetValue<double>());
    }

    [Fact]
    public async Task Mosquitto_OverTls_WithoutTheCa_FailsTheHandshake()
    {
        var d = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        var system = "/etc/ssl/certs/ca-certificates.crt";
        var r = await ExternalTool.MosquittoPubAsync(["-h", "127.0.0.1", "-p", Server.MqttsPort.ToString(), "--cafile", File.Exists(system) ? system : "/dev/null",
            "--insecure", "-u", d.Serial, "-P", d.Secret, "-t", d.Topic("telemetry"), "-m", """{"temp":1}"""]);
        // Refused for the reason the test names (the server's certificate does not chain to a trusted CA), not for any
        // other failure such as a closed port or bad credentials.
        Assert.True(r.ExitCode != 0, r.ToString());
        Assert.Contains("A TLS error occurred", r.Output);
        Assert.Empty(await HistoryAsync(d));
    }

    [Fact]
    public async Task Mosquitto_OverTls_Qos0ThenDisconnect_EveryMessageIsStored()
    {
        var d = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        for (var i = 0; i < 8; i++)
        {
            var r = await Mosquitto.PublishAsync(Tls(d, 311), d.Topic("telemetry"), $$"""{"n":{{i}}}""", 0);
            Assert.True(r.ExitCode == 0, r.ToString());
        }
        var history = await Eventually.ValueAsync(() => HistoryAsync(d), h => h.Count == 8, TimeSpan.FromSeconds(5));
        Assert.Equal(8, history.Count);
    }

    [Fact]
    public async Task MosquittoSub_OverTls_ReceivesDesiredState()
    {
        var d = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        await d.Org.Http.PatchRawAsync($"devices/{d.Serial}/shadow/desired", """{"relay":true}""").ExpectAsync(System.Net.HttpStatusCode.OK);
        await using var sub = Mosquitto.Subscribe(Tls(d, 5), [d.Topic("shadow/desired")], count: 1);
        await sub.WaitForLineAsync(l => l.StartsWith(d.Topic("shadow/desired") + " ") && l.Contains("\"relay\":true"), what: "desired over TLS");
    }

    [Theory]
    [InlineData("311")]
    [InlineData("5")]
    public async Task Paho_OverTls_PublishesAndSubscribes(string version)
    {
        var d = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        await d.Org.Http.PatchRawAsync($"devices/{d.Serial}/shadow/desired", """{"setpoint":21}""").ExpectAsync(System.Net.HttpStatusCode.OK);
        var r = await ExternalTool.PahoAsync(["--port", Server.MqttsPort.ToString(), "--protocol", version, "--cafile", Server.ExportTlsCaPem(), "--insecure",
            "--user", d.Serial, "--password", d.Secret, "--sub", d.Topic("shadow/desired"), "--pub", d.Topic("telemetry"), """{"temp":18}""", "--count", "1"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("\\\"setpoint\\\":21", r.Stdout);
        Assert.Equal(18, Assert.Single(await HistoryAsync(d))!["temp"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("311", 1)]
    [InlineData("5", 1)]
    [InlineData("5", 2)]
    public async Task Paho_OverWebSocket_PublishesAndSubscribes(string version, int qos)
    {
        var d = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        await d.Org.Http.PatchRawAsync($"devices/{d.Serial}/shadow/desired", """{"led":"on"}""").ExpectAsync(System.Net.HttpStatusCode.OK);
        var r = await ExternalTool.PahoAsync(["--port", Server.HttpPort.ToString(), "--transport", "websockets", "--ws-path", "/mqtt", "--protocol", version,
            "--qos", qos.ToString(), "--user", d.Serial, "--password", d.Secret, "--sub", d.Topic("shadow/desired"),
            "--pub", d.Topic("telemetry"), """{"hum":44}""", "--count", "1"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("\\\"led\\\":\\\"on\\\"", r.Stdout);
        Assert.Contains("\"ok\": true", r.Stdout);
        var history = await HistoryAsync(d); // QoS 1/2 acknowledged = committed: read at once, no polling
        Assert.Equal(44, Assert.Single(history)!["hum"]!.GetValue<int>());
    }

    [Fact]
    public async Task Paho_OverWebSocket_WithBadCredentials_IsRefused()
    {
        var d = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        var r = await ExternalTool.PahoAsync(["--port", Server.HttpPort.ToString(), "--transport", "websockets", "--protocol", "5",
            "--user", d.Serial, "--password", "ds_wrong", "--pub", d.Topic("telemetry"), """{"temp":1}""", "--timeout", "5"]);
        Assert.True(r.ExitCode != 0, r.ToString());
        Assert.Contains("\"rc\": 134", r.Stdout); // CONNACK 0x86 Bad User Name or Password, not a dropped connection
        Assert.Empty(await HistoryAsync(d));
    }

    // Regression: WebSocketDuplexPipe.DisposeAsync used to cancel the send pump at once (aborting the socket), so the
    // refusing CONNACK never left and paho saw only a dropped connection (rc 7).
    [Fact]
    public async Task Paho_OverWebSocket_WithBadCredentials_GetsConnAck0x86()
    {
        var d = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        var r = await ExternalTool.PahoAsync(["--port", Server.HttpPort.ToString(), "--transport", "websockets", "--protocol", "5",
            "--user", d.Serial, "--password", "ds_wrong", "--timeout", "5"]);
        Assert.Contains("\"rc\": 134", r.Stdout);
    }

    // Regression: a peer closing TCP without a WebSocket close frame (paho after DISCONNECT) made the pipe complete with
    // an error, and the reader threw before the broker read the PUBLISH still buffered (6 of 8 lost). Now end of data.
    [Fact]
    public async Task Paho_OverWebSocket_Qos0ThenDisconnect_EveryMessageIsStored()
    {
        var d = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        for (var i = 0; i < 8; i++)
        {
            var r = await ExternalTool.PahoAsync(["--port", Server.HttpPort.ToString(), "--transport", "websockets", "--qos", "0",
                "--user", d.Serial, "--password", d.Secret, "--pub", d.Topic("telemetry"), $$"""{"n":{{i}}}"""]);
            Assert.True(r.ExitCode == 0, r.ToString());
        }
        var history = await Eventually.ValueAsync(() => HistoryAsync(d), h => h.Count == 8, TimeSpan.FromSeconds(5));
        Assert.Equal(8, history.Count);
    }
}
