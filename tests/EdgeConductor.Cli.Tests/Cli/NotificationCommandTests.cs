using EdgeConductor.Cli.Tests.Infrastructure;
using EdgeConductor.Server.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeConductor.Cli.Tests.Cli;

[Collection(ServerCollection.Name)]
public sealed class NotificationCommandTests(ServerFixture server) : IDisposable
{
    private readonly CliHarness _ec = new(server);

    public void Dispose() => _ec.Dispose();

    [Fact]
    public async Task ListReadReadAll_WithTheOrgOfTheApiKey()
    {
        var org = await server.CreateOrgAsync();
        var notifier = server.Services.GetRequiredService<INotifier>();
        await notifier.NotifyAsync(new NotificationEvent(org.Id, NotificationKinds.DeviceOffline, "warning", "EC-CLI-1 is offline", null, "EC-CLI-1"), default);
        await notifier.NotifyAsync(new NotificationEvent(org.Id, NotificationKinds.Anomaly, "critical", "temp anomaly on EC-CLI-2", null, "EC-CLI-2"), default);
        _ec.WithKey(org.ApiKey);

        var list = await _ec.RunAsync("notification", "list", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        var items = list.Json().EnumerateArray().ToList();
        Assert.Equal(["temp anomaly on EC-CLI-2", "EC-CLI-1 is offline"], items.Select(i => i.GetProperty("title").GetString()));
        var firstId = items[1].GetProperty("id").GetString()!;

        var read = await _ec.RunAsync("notification", "read", firstId, "--json");
        Assert.True(read.ExitCode == 0, read.ToString());
        Assert.Equal(firstId, read.Json().GetProperty("id").GetString());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, read.Json().GetProperty("read_at").ValueKind);

        var unread = await _ec.RunAsync("notification", "list", "--unread", "--org", org.Id, "--json");
        Assert.Equal(["temp anomaly on EC-CLI-2"], unread.Json().EnumerateArray().Select(i => i.GetProperty("title").GetString()));

        var all = await _ec.RunAsync("notification", "read-all", "--json");
        Assert.True(all.ExitCode == 0, all.ToString());
        Assert.Equal(1, all.Json().GetProperty("updated").GetInt32());
        Assert.Equal(org.Id, all.Json().GetProperty("org_id").GetString());

        var table = await _ec.RunAsync("notification", "list");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("EC-CLI-1 is offline", table.Out);
        Assert.Contains("0 unread", table.Out);
    }
}
