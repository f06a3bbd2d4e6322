using EdgeConductor.Cli.Tests.Infrastructure;
using EdgeConductor.Sdk;
using EdgeConductor.Sdk.Anomalies;

namespace EdgeConductor.Cli.Tests.Cli;

/// <summary><c>ec anomaly list [--unacked] | ack ID</c> and the SDK's Anomalies group against the real server.</summary>
[Collection(ServerCollection.Name)]
public sealed class AnomalyCommandTests(ServerFixture server) : IDisposable
{
    private readonly CliHarness _ec = new(server);

    public void Dispose() => _ec.Dispose();

    /// <summary>29 readings of 20 °C then 30 °C (+50 % → critical), pushed with the SDK; waits for the anomaly.</summary>
    private static async Task<Anomaly> AnomalyAsync(EdgeConductorClient sdk, string orgId, string serial)
    {
        await sdk.Devices.RegisterAsync(serial, "EC-CLIMATE-V1");
        var ts = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        for (var i = 0; i < 30; i++)
            await sdk.Telemetry.PushAsync(serial, new Dictionary<string, object> { ["temp"] = i < 29 ? 20 : 30, ["ts"] = ts + i * 60_000 });
        var deadline = DateTime.UtcNow.AddSeconds(20);
        IReadOnlyList<Anomaly> list;
        do
        {
            list = await sdk.Anomalies.ListAsync(orgId, serial: serial);
            if (list.Count > 0) break;
            await Task.Delay(50);
        } while (DateTime.UtcNow < deadline);
        return Assert.Single(list);
    }

    [Fact]
    public async Task ListAndAck_WithOrgApiKey_JsonAndTable()
    {
        var org = await server.CreateOrgAsync();
        using var sdk = server.Client(org.ApiKey);
        var serial = "EC-ANOM-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var a = await AnomalyAsync(sdk, org.Id, serial);
        Assert.Equal(("temp", "critical", 20.0, 50.0), (a.Field, a.Severity, a.Baseline, a.DeviationPct));
        Assert.Equal(a, await sdk.Anomalies.GetAsync(a.Id));
        _ec.WithKey(org.ApiKey);

        var json = await _ec.RunAsync("anomaly", "list", "--unacked", "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var item = Assert.Single(json.Json().EnumerateArray());
        Assert.Equal(a.Id, item.GetProperty("id").GetString());
        Assert.Equal(30, item.GetProperty("value").GetDouble());

        var table = await _ec.RunAsync("anomaly", "list");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains(serial, table.Out);
        Assert.Contains("critical", table.Out);

        var acked = await _ec.RunAsync("anomaly", "ack", a.Id, "--json");
        Assert.True(acked.ExitCode == 0, acked.ToString());
        Assert.True(acked.Json().GetProperty("acknowledged").GetBoolean());
        Assert.Equal(org.ApiKeyId, acked.Json().GetProperty("acknowledged_by").GetString());

        var again = await _ec.RunAsync("anomaly", "ack", a.Id);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("Acknowledged critical anomaly " + a.Id, again.Out);

        var unacked = await _ec.RunAsync("anomaly", "list", "--unacked", "--json");
        Assert.Empty(unacked.Json().EnumerateArray());
        Assert.Single((await _ec.RunAsync("anomaly", "list", "--org", org.Id, "--json")).Json().EnumerateArray());
    }

    [Fact]
    public async Task Ack_AnomalyOfAnotherOrg_Exit1_NotFound()
    {
        var owner = await server.CreateOrgAsync();
        using var sdk = server.Client(owner.ApiKey);
        var a = await AnomalyAsync(sdk, owner.Id, "EC-ANOM-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant());
        var other = await server.CreateOrgAsync();

        var result = await _ec.WithKey(other.ApiKey).RunAsync("anomaly", "ack", a.Id);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("HTTP 404", result.Err);
        Assert.False((await sdk.Anomalies.GetAsync(a.Id)).Acknowledged);
    }
}
