using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Telemetry.Tests.Mqtt;

/// <summary>/metrics carries the broker's mqtt_* series and the server's ACL denials.</summary>
[Collection(ServerCollection.Name)]
public sealed class MqttMetricsTests(ServerFixture fixture)
{
    private EcServer Server => fixture.Server;

    [Fact]
    public async Task Metrics_ShowMqttTrafficConnectionsAndAclDenials()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await org.DeviceAsync();
        var other = await org.DeviceAsync();
        var before = await Metrics.ScrapeAsync(Server);

        await using var sub = Mosquitto.Subscribe(Mosquitto.As(d, 5), [d.Topic("shadow/desired"), "devices/+/telemetry"], count: 1, timeoutSeconds: 5);
        await sub.WaitForLineAsync(l => l.StartsWith("Subscribed"), what: "SUBACK");
        var r = await Mosquitto.PublishAsync(d, "telemetry", """{"temp":1}""", 1, 5);
        Assert.True(r.ExitCode == 0, r.ToString());
        await Mosquitto.PublishAsync(Mosquitto.As(d, 5), other.Topic("telemetry"), """{"temp":2}""", 1);
        var during = await Metrics.ScrapeAsync(Server);

        foreach (var name in new[] { "mqtt_messages_received_total", "mqtt_bytes_received_bytes_total", "mqtt_bytes_sent_bytes_total" })
            Assert.True(Metrics.Sum(during, name) > Metrics.Sum(before, name), $"{name} did not grow:\n{during}");
        Assert.Contains("mqtt_connections", during);
        Assert.True(Metrics.Sum(during, "mqtt_connections") >= 1, during);
        Assert.True(Metrics.Sum(during, "ec_mqtt_acl_denied_total", "action=\"subscribe\"") > Metrics.Sum(before, "ec_mqtt_acl_denied_total", "action=\"subscribe\""));
        Assert.True(Metrics.Sum(during, "ec_mqtt_acl_denied_total", "action=\"publish\"") > Metrics.Sum(before, "ec_mqtt_acl_denied_total", "action=\"publish\""));
        Assert.Contains("# TYPE ec_mqtt_acl_denied_total counter", during);
    }
}
