using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Telemetry.Tests.Mqtt;

/// <summary>
/// The paho helper (Infrastructure/paho_client.py) must never report success it did not see: a refused SUBACK or PUBACK
/// makes it print an "error" event and exit non-zero (no "ready", no "published"). A missing PUBACK is covered in
/// Telemetry/CommitFailureTests (the server's commit made to fail).
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class PahoHelperTests(ServerFixture fixture)
{
    private EcServer Server => fixture.Server;

    [Theory]
    [InlineData("311")]
    [InlineData("5")]
    public async Task RefusedSubAck_ExitsNonZero_WithoutReady(string version)
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var other = await org.DeviceAsync();
        var r = await ExternalTool.PahoAsync(["--port", Server.MqttPort.ToString(), "--protocol", version, "--user", d.Serial, "--password", d.Secret,
            "--sub", other.Topic("telemetry"), "--count", "1", "--timeout", "10"]);
        Assert.True(r.ExitCode == 6, r.ToString());
        Assert.Contains("SUBACK refused", r.Stdout);
        Assert.DoesNotContain("\"ready\"", r.Stdout);
    }

    [Fact]
    public async Task RefusedPubAck_V5_ExitsNonZero_WithoutPublished()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var r = await ExternalTool.PahoAsync(["--port", Server.MqttPort.ToString(), "--protocol", "5", "--user", d.Serial, "--password", d.Secret,
            "--qos", "1", "--pub", d.Topic("shadow/desired"), """{"relay":true}""", "--timeout", "10"]);
        Assert.True(r.ExitCode == 8, r.ToString());
        Assert.Contains("refused: [('PUBACK', 135)]", r.Stdout);
        Assert.DoesNotContain("\"published\"", r.Stdout);
    }

    [Fact]
    public async Task FewerMessagesThanCount_ExitsNonZero()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        // Subscribed and granted, but nothing is published to the topic: the helper must not exit 0 after its timeout.
        var r = await ExternalTool.PahoAsync(["--port", Server.MqttPort.ToString(), "--protocol", "5", "--user", d.Serial, "--password", d.Secret,
            "--sub", d.Topic("commands"), "--count", "1", "--timeout", "2"]);
        Assert.True(r.ExitCode == 9, r.ToString());
        Assert.Contains("\"ready\"", r.Stdout);
    }
}
