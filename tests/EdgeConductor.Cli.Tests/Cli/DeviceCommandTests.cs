using System.Text.Json;
using EdgeConductor.Cli.Tests.Infrastructure;

namespace EdgeConductor.Cli.Tests.Cli;

[Collection(ServerCollection.Name)]
public sealed class DeviceCommandTests(ServerFixture server) : IDisposable
{
    private readonly CliHarness _ec = new(server);

    public void Dispose() => _ec.Dispose();

    [Fact]
    public async Task Create_PrintsSecretOnce_ThenReportsAlreadyRegistered()
    {
        var org = await server.CreateOrgAsync();
        _ec.WithKey(org.ApiKey);

        var created = await _ec.RunAsync("device", "create", "EC-TRACK-001", "tracker", "--json");
        var again = await _ec.RunAsync("device", "create", "EC-TRACK-001", "tracker");

        Assert.True(created.ExitCode == 0, created.ToString());
        var json = created.Json();
        Assert.True(json.GetProperty("created").GetBoolean());
        Assert.Equal("EC-TRACK-001", json.GetProperty("device").GetProperty("serial_no").GetString());
        await server.AssertDeviceSecretWorksAsync("EC-TRACK-001", json.GetProperty("device").GetProperty("device_secret").GetString());
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("already registered", again.Out);
    }

    [Fact]
    public async Task Create_TableOutput_ShowsSecret()
    {
        var org = await server.CreateOrgAsync();
        _ec.WithKey(org.ApiKey);

        var created = await _ec.RunAsync("device", "create", "EC-TABLE-001", "tracker", "--fw", "2.1.4");

        Assert.Equal(0, created.ExitCode);
        Assert.Contains("Registered EC-TABLE-001", created.Out);
        Assert.Contains("Device secret:", created.Out);
    }

    [Fact]
    public async Task List_TableAndJson_AndOrgFilter()
    {
        var org = await server.CreateOrgAsync();
        var other = await server.CreateOrgAsync();
        using var sdk = server.Client(org.ApiKey);
        using var sdkOther = server.Client(other.ApiKey);
        await sdk.Devices.RegisterAsync("EC-LIST-A", "tracker");
        await sdk.Devices.RegisterAsync("EC-LIST-B", "climate");
        await sdkOther.Devices.RegisterAsync("EC-LIST-OTHER", "tracker");

        var table = await _ec.WithKey(org.ApiKey).RunAsync("device", "list");
        var json = await _ec.RunAsync("device", "list", "--json");
        await sdk.Telemetry.PushAsync("EC-LIST-B", new { temp = 20 }); // seen now: online
        var online = await _ec.RunAsync("device", "list", "--status", "online", "--json");
        var offline = await _ec.RunAsync("device", "list", "--status", "offline", "--type", "tracker", "--json");
        _ec.WithKey(server.AdminToken);
        var filtered = await _ec.RunAsync("device", "list", "--org", other.Id, "--json");

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("EC-LIST-A", table.Out);
        Assert.Contains("EC-LIST-B", table.Out);
        Assert.Contains("2 device(s)", table.Out);
        Assert.Equal(["EC-LIST-A", "EC-LIST-B"], json.Json().EnumerateArray().Select(d => d.GetProperty("serial_no").GetString()).Order());
        Assert.Equal(["EC-LIST-B"], online.Json().EnumerateArray().Select(d => d.GetProperty("serial_no").GetString()));
        Assert.Equal(["EC-LIST-A"], offline.Json().EnumerateArray().Select(d => d.GetProperty("serial_no").GetString()));
        Assert.Equal(["EC-LIST-OTHER"], filtered.Json().EnumerateArray().Select(d => d.GetProperty("serial_no").GetString()));
    }

    [Fact]
    public async Task Get_ShowsInfoAndShadow()
    {
        var org = await server.CreateOrgAsync();
        using var sdk = server.Client(org.ApiKey);
        await sdk.Devices.RegisterAsync("EC-GET-1", "EC-CLIMATE-V1");
        await sdk.Telemetry.PushAsync("EC-GET-1", new { temp = 24.5, co2 = 850 });
        _ec.WithKey(org.ApiKey);

        var table = await _ec.RunAsync("device", "get", "EC-GET-1");
        var json = await _ec.RunAsync("device", "get", "EC-GET-1", "--json");

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("EC-CLIMATE-V1", table.Out);
        Assert.Contains("Reported", table.Out);
        Assert.Contains("24.5", table.Out);
        Assert.Contains("co2", table.Out);
        Assert.Equal(850, json.Json().GetProperty("shadow_reported").GetProperty("co2").GetInt32());
    }

    [Fact]
    public async Task Get_Unknown_Exit1_PrintsProblemDetail()
    {
        var org = await server.CreateOrgAsync();

        var result = await _ec.WithKey(org.ApiKey).RunAsync("device", "get", "NO-SUCH-DEVICE");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Device 'NO-SUCH-DEVICE' not found.", result.Err);
        Assert.Contains("HTTP 404 NOT_FOUND", result.Err);
    }

    [Fact]
    public async Task Get_Unknown_Json_ProblemOnStderr()
    {
        var org = await server.CreateOrgAsync();

        var result = await _ec.WithKey(org.ApiKey).RunAsync("device", "get", "NO-SUCH-DEVICE", "--json");

        Assert.Equal(1, result.ExitCode);
        var error = JsonDocument.Parse(result.Err).RootElement.GetProperty("error");
        Assert.Equal(404, error.GetProperty("status").GetInt32());
        Assert.Equal("NOT_FOUND", error.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("true", "true")]
    [InlineData("22", "22")]
    [InlineData("21.5", "21.5")]
    [InlineData("\"x\"", "\"x\"")]
    [InlineData("hello", "\"hello\"")]
    [InlineData("{\"a\":1}", "{\"a\":1}")]
    public async Task Shadow_ValueParsedAsJsonWhenItParses(string value, string expectedJson)
    {
        var org = await server.CreateOrgAsync();
        using var sdk = server.Client(org.ApiKey);
        var serial = "EC-SHADOW-" + Guid.NewGuid().ToString("N")[..8];
        await sdk.Devices.RegisterAsync(serial, "tracker");

        var result = await _ec.WithKey(org.ApiKey).RunAsync("device", "shadow", serial, "relay", value, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(expectedJson, JsonSerializer.Serialize(result.Json().GetProperty("desired").GetProperty("relay")));
        var device = await sdk.Devices.GetAsync(serial);
        Assert.Equal(expectedJson, device.ShadowDesired.GetProperty("relay").GetRawText());
    }

    [Fact]
    public async Task Shadow_TableOutput_AndNullDeletesKey()
    {
        var org = await server.CreateOrgAsync();
        using var sdk = server.Client(org.ApiKey);
        await sdk.Devices.RegisterAsync("EC-SHADOW-2", "tracker");
        _ec.WithKey(org.ApiKey);

        var set = await _ec.RunAsync("device", "shadow", "EC-SHADOW-2", "setpoint", "22");
        var deleted = await _ec.RunAsync("device", "shadow", "EC-SHADOW-2", "setpoint", "null", "--json");

        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Contains("desired.setpoint = 22", set.Out);
        Assert.False(deleted.Json().GetProperty("desired").TryGetProperty("setpoint", out _));
    }

    [Fact]
    public async Task Shadow_InvalidKey_Exit1_ShowsFieldError()
    {
        var org = await server.CreateOrgAsync();
        using var sdk = server.Client(org.ApiKey);
        await sdk.Devices.RegisterAsync("EC-SHADOW-3", "tracker");

        var result = await _ec.WithKey(org.ApiKey).RunAsync("device", "shadow", "EC-SHADOW-3", "bad key!", "1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("HTTP 400", result.Err);
        Assert.Contains("bad key!", result.Err);
    }

    [Fact]
    public async Task Reboot_SendsCommand()
    {
        var org = await server.CreateOrgAsync();
        using var sdk = server.Client(org.ApiKey);
        await sdk.Devices.RegisterAsync("EC-REBOOT-1", "tracker");
        _ec.WithKey(org.ApiKey);

        var table = await _ec.RunAsync("device", "reboot", "EC-REBOOT-1");
        var json = await _ec.RunAsync("device", "reboot", "EC-REBOOT-1", "--json");

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("Reboot command sent to EC-REBOOT-1", table.Out);
        Assert.True(json.Json().GetProperty("ok").GetBoolean());
        Assert.False(string.IsNullOrEmpty(json.Json().GetProperty("command_id").GetString()));
    }

    [Fact]
    public async Task Delete_ActiveDevice_NeedsForce()
    {
        var org = await server.CreateOrgAsync();
        using var sdk = server.Client(org.ApiKey);
        await sdk.Devices.RegisterAsync("EC-DEL-1", "tracker");
        await sdk.Telemetry.PushAsync("EC-DEL-1", new { bat = 4.1 }); // seen just now: active
        _ec.WithKey(org.ApiKey);

        var refused = await _ec.RunAsync("device", "delete", "EC-DEL-1");
        var forced = await _ec.RunAsync("device", "delete", "EC-DEL-1", "--force", "--json");
        var gone = await _ec.RunAsync("device", "get", "EC-DEL-1");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("HTTP 409 CONFLICT", refused.Err);
        Assert.Contains("--force", refused.Err);
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.True(forced.Json().GetProperty("deleted").GetBoolean());
        Assert.Equal(1, gone.ExitCode);
    }

    [Fact]
    public async Task Delete_IdleDevice_WithoutForce()
    {
        var org = await server.CreateOrgAsync();
        using var sdk = server.Client(org.ApiKey);
        await sdk.Devices.RegisterAsync("EC-DEL-2", "tracker");

        var result = await _ec.WithKey(org.ApiKey).RunAsync("device", "delete", "EC-DEL-2");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Deleted EC-DEL-2", result.Out);
    }
}
