using System.Diagnostics;
using System.Net;
using EdgeConductor.Server.Mqtt;
using EdgeConductor.Server.Mqtt.Acl;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace EdgeConductor.Telemetry.Tests.Mqtt;

/// <summary>
/// EC_MQTT_ACL_FILE (Mosquitto acl_file syntax) for sandbox and service clients: publish, SUBSCRIBE (SUBACK 0x80 / 0x87)
/// and delivery; devices/ keeps its built-in rules; reload by the admin API (a bad file keeps the old rules) and SIGHUP.
/// Each test has its own server and file (reloads change the file).
/// </summary>
public sealed class MqttAclFileTests : IAsyncLifetime
{
    private const string Rules = """
        # anonymous (sandbox) clients
        topic read public/#
        topic write public/in
        topic readwrite devices/#
        topic write plant/#
        user service
        topic readwrite plant/#
        topic deny plant/secret/#
        pattern readwrite clients/%c/#
        """;

    private readonly string _file = Path.Combine(Path.GetTempPath(), $"ec-acl-{Guid.NewGuid():N}.acl");
    private EcServer _server = null!;

    public Task InitializeAsync()
    {
        File.WriteAllText(_file, Rules);
        _server = new EcServer(allowAnonymous: true, services: s =>
        {
            s.RemoveAll<MqttAclStore>();
            s.AddSingleton(sp => new MqttAclStore(new MqttServerOptions { AclFile = _file }, TimeProvider.System, sp.GetRequiredService<ILogger<MqttAclStore>>()));
        }).Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        File.Delete(_file);
    }

    private List<string> Anonymous(int version, string clientId) => [.. Mosquitto.Connect(_server, null, null, version), "-i", clientId];

    private List<string> Service(TestOrg org, int version, string clientId) => [.. Mosquitto.Connect(_server, "service", org.ApiKey, version), "-i", clientId];

    [Theory]
    [InlineData(311, "128")]
    [InlineData(5, "135")]
    public async Task Subscribe_GrantedWhereAReadLineCovers_DeniedElsewhere(int version, string denied)
    {
        var org = await TestOrg.CreateAsync(_server);
        foreach (var (connect, filter, ok) in new[]
                 {
                     (Anonymous(version, $"a{version}"), "public/#", true),
                     (Anonymous(version, $"a{version}"), "private/#", false),
                     (Anonymous(version, $"a{version}"), "plant/#", false), // write only
                     (Service(org, version, $"s{version}"), "plant/#", true),
                     (Service(org, version, $"s{version}"), "plant/secret/#", false), // deny covers it
                     (Service(org, version, $"s{version}"), $"clients/s{version}/#", true), // pattern with %c
                     (Service(org, version, $"s{version}"), "clients/other/#", false),
                 })
        {
            await using var sub = Mosquitto.Subscribe(connect, [filter], count: 1, timeoutSeconds: 2);
            var line = await sub.WaitForLineAsync(l => l.StartsWith("Subscribed"), what: $"SUBACK for {filter}");
            if (ok) Assert.DoesNotContain(": " + denied, line);
            else Assert.EndsWith(": " + denied, line);
        }
    }

    [Fact]
    public async Task Publish_AllowedOnlyWhereAWriteLineMatches_AndDeliveredToReaders()
    {
        await using var sub = Mosquitto.Subscribe(Anonymous(5, "reader"), ["public/#"], count: 1);
        await sub.WaitForLineAsync(l => l.StartsWith("Subscribed"), what: "SUBACK");
        var refused = await Mosquitto.PublishAsync(Anonymous(5, "w1"), "public/other", "no", 1);
        Assert.Contains("RC:135", refused.Stdout);
        var ok = await Mosquitto.PublishAsync(Anonymous(5, "w2"), "public/in", "yes", 1);
        Assert.Contains("RC:0", ok.Stdout);
        await sub.WaitForLineAsync(l => l == "public/in yes", what: "the allowed message");
        Assert.DoesNotContain(sub.Lines, l => l.StartsWith("public/other"));
    }

    [Fact]
    public async Task DevicesNamespace_KeepsBuiltInRules_WhateverTheFileSays()
    {
        var org = await TestOrg.CreateAsync(_server);
        var d = await org.DeviceAsync();
        var r = await Mosquitto.PublishAsync(Anonymous(5, "intruder"), d.Topic("telemetry"), """{"temp":66}""", 1); // the file says readwrite devices/#
        Assert.Contains("RC:135", r.Stdout);
    }

    [Fact]
    public async Task AdminReload_NewRulesApplyAtDelivery_BadFileKeepsOldRules_OnlySuperAdmin()
    {
        var org = await TestOrg.CreateAsync(_server);
        await using var sub = Mosquitto.Subscribe(Service(org, 5, "watch"), ["plant/#", "clients/watch/#"], count: 10, timeoutSeconds: 30);
        await sub.WaitForLineAsync(l => l.StartsWith("Subscribed"), what: "SUBACK");
        Assert.Contains("RC:0", (await Mosquitto.PublishAsync(Anonymous(5, "p1"), "plant/a", "one", 1)).Stdout);
        await sub.WaitForLineAsync(l => l == "plant/a one", what: "plant/a under the first rules");

        // Only a super admin may reload; an org admin's API key gets 403.
        var forbidden = await org.Http.PostAsync("mqtt/acl/reload", null);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        // A bad file: 400 naming the line, and the rules in force stay (plant/b is still delivered).
        using var admin = await TestOrg.AdminAsync(_server);
        File.WriteAllText(_file, "user service\ntopic read plant/#/oops\n"); // "#" must be last: invalid filter
        var bad = await admin.PostAsync("mqtt/acl/reload", null);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("line 2", await bad.Content.ReadAsStringAsync());
        Assert.Contains("RC:0", (await Mosquitto.PublishAsync(Anonymous(5, "p2"), "plant/b", "two", 1)).Stdout);
        await sub.WaitForLineAsync(l => l == "plant/b two", what: "plant/b under the old rules");

        // New rules without plant/ for the service: the existing subscription no longer carries plant/ (delivery-time check).
        File.WriteAllText(_file, "topic write plant/#\ntopic write clients/#\nuser service\npattern read clients/%c/#\n");
        var ok = await admin.PostJsonAsync("mqtt/acl/reload", new { }, HttpStatusCode.OK);
        Assert.Equal(1, ok["users"]!.GetValue<int>());
        Assert.Equal(1, ok["pattern_rules"]!.GetValue<int>());
        Assert.Contains("RC:0", (await Mosquitto.PublishAsync(Anonymous(5, "p3"), "plant/c", "three", 1)).Stdout);
        Assert.Contains("RC:0", (await Mosquitto.PublishAsync(Anonymous(5, "p4"), "clients/watch/x", "control", 1)).Stdout);
        await sub.WaitForLineAsync(l => l == "clients/watch/x control", what: "the control message (published after plant/c)");
        Assert.DoesNotContain(sub.Lines, l => l.StartsWith("plant/c"));
    }

    [Fact]
    public async Task Sighup_ReloadsTheFile()
    {
        var org = await TestOrg.CreateAsync(_server);
        var before = await Mosquitto.PublishAsync(Service(org, 5, "sig"), "newtopic/x", "no", 1);
        Assert.Contains("RC:135", before.Stdout);
        File.WriteAllText(_file, Rules + "\nuser service\ntopic write newtopic/#\n");
        var store = _server.Services.GetRequiredService<MqttAclStore>();
        var old = store.Current;
        using (var kill = Process.Start("kill", ["-HUP", Environment.ProcessId.ToString()])) await kill!.WaitForExitAsync();
        await Eventually.ValueAsync(() => Task.FromResult(store.Current), c => !ReferenceEquals(c, old));
        var after = await Mosquitto.PublishAsync(Service(org, 5, "sig"), "newtopic/x", "yes", 1);
        Assert.Contains("RC:0", after.Stdout);
    }
}
