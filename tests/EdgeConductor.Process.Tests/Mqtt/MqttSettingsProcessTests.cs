namespace EdgeConductor.Process.Tests.Mqtt;

/// <summary>
/// The MQTT settings and signals of the real server process: SIGHUP means "reload" (never "stop"), also without an ACL
/// file, and a bad EC_MQTT_* value stops the start-up with a message naming it instead of running on the default.
/// </summary>
public sealed class MqttSettingsProcessTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "ec-mqtt-settings-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task Sighup_WithoutAclFile_IsLoggedAndTheServerKeepsRunning()
    {
        await using var server = new ServerProcess(_dataDir, environment: new Dictionary<string, string>
        {
            ["Logging__LogLevel__EdgeConductor.Server.Mqtt.Acl"] = "Information",
        });
        await server.StartAsync();

        server.Signal("HUP");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!server.Output.Contains("SIGHUP: no EC_MQTT_ACL_FILE is set") && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(server.Output.Contains("SIGHUP: no EC_MQTT_ACL_FILE is set"), "the SIGHUP was not handled:\n" + server.Output);

        Assert.Null(await server.WaitForExitAsync(TimeSpan.FromSeconds(3))); // still running
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        Assert.True((await http.GetAsync("ready")).IsSuccessStatusCode);
    }

    [Fact]
    public async Task TlsListener_IsLoggedAsMqttOverTls_WithItsPort()
    {
        var tlsPort = EdgeConductor.Testing.TestPorts.Free();
        await using var server = new ServerProcess(_dataDir, environment: new Dictionary<string, string>
        {
            ["EC_MQTTS_PORT"] = tlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging__LogLevel__EdgeConductor.Mqtt"] = "Information",
        });
        await server.StartAsync(); // ready: Kestrel is listening, so the line was written before

        Assert.Contains($"MQTT over TLS listening on port {tlsPort} (bind 127.0.0.1;", server.Output);
    }

    [Theory]
    [InlineData("EC_MQTT_MAX_KEEPALIVE", "100000", "EC_MQTT_MAX_KEEPALIVE must be a whole number from 1 to 65535, not '100000'")]
    [InlineData("EC_MQTT_MAX_QUEUED_BYTES", "32MB", "EC_MQTT_MAX_QUEUED_BYTES must be a whole number from 0 to")]
    public async Task BadMqttSetting_StopsTheStartup_NamingTheVariable(string name, string value, string message)
    {
        await using var server = new ServerProcess(_dataDir, environment: new Dictionary<string, string> { [name] = value });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(server.StartAsync);
        Assert.Contains(message, error.Message);
    }
}
