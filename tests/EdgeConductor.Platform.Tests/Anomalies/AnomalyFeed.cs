using System.Net;
using System.Text.Json.Nodes;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Platform.Tests.Anomalies;

/// <summary>
/// One device's telemetry for anomaly tests: readings one minute apart (reading time, starting three hours ago), sent
/// over HTTP or MQTT (paho, QoS 1: acknowledged = committed), and the anomalies the server then holds for the device.
/// <para>
/// Detection runs after the commit, on its own worker, so "no anomaly" is proven with a control: <see cref="ControlAsync"/>
/// sends a later reading of a fresh control field (<c>c0</c>…<c>c9</c>, floor 0, value −1: always critical) and waits for
/// its anomaly. The worker handles a device's readings in order, so once the control's anomaly exists every reading sent
/// before it has been evaluated, and an anomaly it had raised would be stored already.
/// </para>
/// </summary>
internal sealed class AnomalyFeed
{
    private int _controls;

    private AnomalyFeed(TestDevice device, long startTs)
    {
        Device = device;
        NextTs = startTs;
    }

    public TestDevice Device { get; }
    public TestOrg Org => Device.Org;
    public long NextTs { get; private set; }

    /// <summary>A device of a new org whose settings add the control fields c0…c9.</summary>
    public static async Task<AnomalyFeed> CreateAsync(EcServer server, TestOrg? org = null)
    {
        org ??= await TestOrg.CreateAsync(server);
        var fields = new JsonObject();
        for (var i = 0; i < 10; i++) fields[$"c{i}"] = new JsonObject { ["min_abs_change"] = 0, ["floor"] = 0 };
        using (var r = await org.Http.PatchRawAsync($"orgs/{org.Id}/anomaly-settings", new JsonObject { ["fields"] = fields }.ToJsonString()))
            Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        var start = DateTimeOffset.UtcNow.AddHours(-3).ToUnixTimeMilliseconds() / 60_000 * 60_000;
        return new AnomalyFeed(await org.DeviceAsync(), start);
    }

    /// <summary>The same device and reading clock against another server on the same data (a restart).</summary>
    public AnomalyFeed On(EcServer server) =>
        new(Device with { Org = Org.On(server) }, NextTs) { _controls = _controls };

    private string Stamp(string json)
    {
        var o = JsonNode.Parse(json)!.AsObject();
        o["ts"] = NextTs;
        NextTs += 60_000;
        return o.ToJsonString();
    }

    /// <summary>POSTs each reading (a JSON object without ts) to /devices/:serial/telemetry.</summary>
    public async Task HttpAsync(params string[] readings)
    {
        using var http = Device.Org.Server.Http();
        foreach (var json in readings)
        {
            using var r = await http.PostRawAsync($"devices/{Device.Serial}/telemetry", Stamp(json), Device.Secret);
            Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        }
    }

    /// <summary>Publishes every reading on devices/:serial/telemetry on one paho connection, QoS 1.</summary>
    public async Task MqttAsync(params string[] readings)
    {
        var args = new List<string> { "--port", Org.Server.MqttPort.ToString(), "--user", Device.Serial, "--password", Device.Secret, "--qos", "1", "--timeout", "30" };
        foreach (var json in readings) args.AddRange(["--pub", Device.Topic("telemetry"), Stamp(json)]);
        var r = await ExternalTool.PahoAsync(args, TimeSpan.FromSeconds(60));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(readings.Length, r.Stdout.Split('\n').Count(l => l.Contains("\"ok\": true")));
    }

    /// <summary>Publishes raw payloads (with their own ts, e.g. re-sent duplicates) on one paho connection.</summary>
    public async Task MqttRawAsync(IEnumerable<string> payloads)
    {
        var args = new List<string> { "--port", Org.Server.MqttPort.ToString(), "--user", Device.Serial, "--password", Device.Secret, "--qos", "1", "--timeout", "30" };
        foreach (var p in payloads) args.AddRange(["--pub", Device.Topic("telemetry"), p]);
        var r = await ExternalTool.PahoAsync(args, TimeSpan.FromSeconds(60));
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    /// <summary>n readings of one field with the same value, as JSON objects.</summary>
    public static string[] Repeat(string field, double value, int n) =>
        Enumerable.Repeat(new JsonObject { [field] = value }.ToJsonString(), n).ToArray();

    /// <summary>The device's anomalies (optionally of one field), newest first.</summary>
    public async Task<JsonArray> AnomaliesAsync(string? field = null) =>
        (await Org.GetAsync($"orgs/{Org.Id}/anomalies?serial={Device.Serial}&limit=500" + (field is null ? "" : $"&field={field}"))).AsArray();

    /// <summary>Waits until the device has at least <paramref name="count"/> anomalies of <paramref name="field"/>; returns them.</summary>
    public async Task<JsonArray> WaitForAsync(string field, int count)
    {
        var list = await Eventually.ValueAsync(() => AnomaliesAsync(field), l => l.Count >= count, TimeSpan.FromSeconds(20));
        Assert.True(list.Count >= count, $"expected {count} '{field}' anomalies for {Device.Serial}, found {list.Count}: {list.ToJsonString()}\nserver errors:\n{string.Join("\n", Org.Server.Errors.Entries)}");
        return list;
    }

    /// <summary>Sends a control reading and waits for its anomaly: every earlier reading of the device has been evaluated.</summary>
    public async Task ControlAsync()
    {
        var field = $"c{_controls++}";
        await HttpAsync(new JsonObject { [field] = -1 }.ToJsonString());
        await WaitForAsync(field, 1);
    }
}
