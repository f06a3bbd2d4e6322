using System.Text.RegularExpressions;
using EdgeConductor.Server.Tests.Security;

namespace EdgeConductor.Server.Tests.Hosting;

/// <summary>
/// Start-up log lines say what happened: the bootstrap super admin line names where its e-mail came from, and the
/// "broker state restored" line counts the broker's own $SYS statistics apart from the retained messages it restored.
/// </summary>
public sealed class StartupLogTests
{
    [Fact]
    public async Task SuperAdminFromPasswordOnly_LogSaysTheEmailIsTheDefault()
    {
        await using var server = await LogCapturingServer.StartCapturingAsync(new EcServerOptions { AdminEmail = "", AdminPassword = "chosen-password-1" });
        var line = Assert.Single(server.Log.Lines, l => l.Contains("Created super admin"));
        Assert.Contains("admin@edgeconductor.local (e-mail is the default: EC_ADMIN_EMAIL is not set, password from EC_ADMIN_PASSWORD)", line);
    }

    [Fact]
    public async Task SuperAdminFromBothSettings_LogNamesBoth()
    {
        await using var server = await LogCapturingServer.StartCapturingAsync(new EcServerOptions { AdminEmail = "root@example.test", AdminPassword = "chosen-password-1" });
        var line = Assert.Single(server.Log.Lines, l => l.Contains("Created super admin"));
        Assert.Contains("root@example.test (e-mail from EC_ADMIN_EMAIL, password from EC_ADMIN_PASSWORD)", line);
    }

    [Fact]
    public async Task FreshServer_RestoredRetainedCount_DoesNotIncludeTheBrokersSysTopics()
    {
        await using var server = await LogCapturingServer.StartCapturingAsync();
        var line = Assert.Single(server.Log.Lines, l => l.Contains("MQTT broker state restored"));
        var m = Regex.Match(line, @"(\d+) retained message\(s\) in \d+ ms \(plus (\d+) retained \$SYS statistics topic\(s\) of the broker itself\)");
        Assert.True(m.Success, line);
        Assert.Equal("0", m.Groups[1].Value);  // nothing was stored: a fresh data folder
        Assert.NotEqual("0", m.Groups[2].Value); // the broker's own $SYS round is already retained (control: they exist)
    }
}
