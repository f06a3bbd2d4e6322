using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Interop;

/// <summary>Our broker against paho-mqtt 1.6.1 (Python, /usr/bin/python3), MQTT 3.1.1 and 5.0.</summary>
public sealed class PahoInteropTests
{
    [Theory]
    [InlineData("v311")]
    [InlineData("v5")]
    public async Task PahoClient_QosRetainedWill_AllPass(string version)
    {
        var python = ExternalTool.Require("/usr/bin/python3", "apt-get install -y python3-paho-mqtt");
        var (check, _, checkErr) = await ExternalTool.RunAsync(TimeSpan.FromSeconds(20), python, "-c", "import paho.mqtt.client");
        Assert.True(check == 0, "paho-mqtt is not importable from /usr/bin/python3 (apt-get install -y python3-paho-mqtt): " + checkErr);

        await using var test = TestBroker.Start();
        var script = Path.Combine(AppContext.BaseDirectory, "Interop", "paho_client.py");
        var (code, stdout, stderr) = await ExternalTool.RunAsync(TimeSpan.FromSeconds(60), python, script, test.Port.ToString(), version);
        Assert.True(code == 0 && stdout.Contains("OK"), ExternalTool.Describe(stdout, stderr));
        Assert.Empty(test.Errors);
    }

    /// <summary>
    /// A DISCONNECT for a protocol reason carries a Reason String (MQTT 5.0 §3.14.2.2.3), so paho, which reads the reason
    /// code only when properties follow it, reports 0x95 Packet too large instead of "connection lost" (rc 7).
    /// </summary>
    [Fact]
    public async Task PahoClient_OversizedPublish_OnDisconnectReportsPacketTooLarge()
    {
        var python = ExternalTool.Require("/usr/bin/python3", "apt-get install -y python3-paho-mqtt");
        await using var test = TestBroker.Start(o => o.MaximumPacketSize = 16 * 1024);
        var script = Path.Combine(AppContext.BaseDirectory, "Interop", "paho_disconnect.py");
        var (code, stdout, stderr) = await ExternalTool.RunAsync(TimeSpan.FromSeconds(60), python, script, test.Port.ToString(), "300000");
        Assert.True(code == 0, ExternalTool.Describe(stdout, stderr));
        Assert.Contains($"DISCONNECT {(int)Protocol.MqttReasonCode.PacketTooLarge} ", stdout);
    }
}
