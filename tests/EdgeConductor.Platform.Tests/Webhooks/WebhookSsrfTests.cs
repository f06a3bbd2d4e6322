using System.Net;
using EdgeConductor.Server.Webhooks;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace EdgeConductor.Platform.Tests.Webhooks;

/// <summary>
/// SSRF protection on a server with the default <c>EC_WEBHOOK_ALLOW_PRIVATE=false</c>: URLs whose host is or resolves to a
/// non-public address are refused at delivery time and never reach the receiver; with the setting on, the same receiver
/// gets them (both sides proven on one server, by switching the option).
/// </summary>
public sealed class WebhookSsrfTests : IAsyncLifetime
{
    private readonly WebhookOptions _options = WebhookTestServer.Options(allowPrivate: false);
    private EcServer _server = null!;
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _server = WebhookTestServer.Start(_options);
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task LoopbackAndPrivateTargets_AreRefused_UntilAllowPrivateIsOn()
    {
        var org = await TestOrg.CreateAsync(_server);
        var port = _receiver.Port;
        string[] urls =
        [
            $"http://127.0.0.1:{port}/ssrf", $"http://localhost:{port}/ssrf", $"http://[::1]:{port}/ssrf",
            $"http://[::ffff:127.0.0.1]:{port}/ssrf", $"http://127.1:{port}/ssrf", $"http://2130706433:{port}/ssrf",
            "http://169.254.169.254/latest/meta-data", "http://10.0.0.1/", "http://192.168.1.1/", "http://172.16.0.1/",
            "http://100.64.0.1/", "http://0.0.0.0/", "http://[fd00::1]/", "http://[fe80::1]/",
        ];
        var ids = new List<string>();
        foreach (var url in urls) ids.Add(await _server.EnqueueAsync(org.Id, url));
        foreach (var (id, url) in ids.Zip(urls))
        {
            var d = await org.DeliveryAsync(id, x => x.Is("failed"));
            Assert.True(d.Is("failed"), $"{url}: {d.ToJsonString()}");
            Assert.StartsWith("refused:", d["last_error"]!.GetValue<string>());
            Assert.Null(d["response_code"]);
        }
        Assert.Equal(0, _receiver.Count("/ssrf"));

        // The other side: with EC_WEBHOOK_ALLOW_PRIVATE on, the same receiver is reached (so it was listening all along).
        _options.AllowPrivate = true;
        var allowed = await _server.EnqueueAsync(org.Id, $"http://localhost:{port}/ssrf");
        Assert.Equal(allowed, (await _receiver.NextAsync("/ssrf")).Id);
        Assert.Equal(1, _receiver.Count("/ssrf"));
    }

    [Fact]
    public async Task NonHttpUrlsAndBadPresets_FailAtOnce_WithTheReason()
    {
        var org = await TestOrg.CreateAsync(_server);
        var ftp = await _server.EnqueueAsync(org.Id, "ftp://example.com/x");
        var file = await _server.EnqueueAsync(org.Id, "file:///etc/passwd");
        var noChat = await _server.EnqueueAsync(org.Id, "https://api.telegram.org/bot1:x/sendMessage", preset: "telegram");
        var unknown = await _server.EnqueueAsync(org.Id, "https://example.com/", preset: "teams");
        foreach (var (id, reason) in new[] { (ftp, "http or https"), (file, "http or https"), (noChat, "chat_id"), (unknown, "slack or telegram") })
        {
            var d = await org.GetAsync($"webhook-deliveries/{id}");
            Assert.True(d.Is("failed"), d.ToJsonString());
            Assert.Equal(0, d.Attempts());
            Assert.Contains(reason, d["last_error"]!.GetValue<string>());
        }
    }

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.255.254", "loopback")]
    [InlineData("10.1.2.3", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.0.1", "private")]
    [InlineData("100.64.0.1", "CGNAT")]
    [InlineData("100.127.255.255", "CGNAT")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("255.255.255.255", "reserved")]
    [InlineData("::", "unspecified")]
    [InlineData("::1", "loopback")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fc00::1", "private (unique local)")]
    [InlineData("fd12:3456::1", "private (unique local)")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:10.0.0.1", "private")]
    [InlineData("::ffff:169.254.169.254", "link-local")]
    [InlineData("64:ff9b::a9fe:a9fe", "link-local")]
    [InlineData("2002:7f00:1::", "loopback")]
    public void NonPublicAddresses_AreRefused(string address, string reason) =>
        Assert.Equal(reason, WebhookAddress.ForbiddenReason(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("192.169.0.1")]
    [InlineData("2606:2800:220:1:248:1893:25c8:1946")]
    [InlineData("::ffff:8.8.8.8")]
    public void PublicAddresses_AreAllowed(string address) =>
        Assert.Null(WebhookAddress.ForbiddenReason(IPAddress.Parse(address)));

    [Theory]
    [InlineData("https://hooks.slack.com/services/T0/B0/x", null)]
    [InlineData("http://example.com:8080/hook?a=1", null)]
    [InlineData("", "is required")]
    [InlineData("not a url", "must be an absolute http or https URL")]
    [InlineData("/relative/path", "must use http or https")]  // an absolute file: URI on Unix
    [InlineData("ftp://example.com/", "must use http or https")]
    [InlineData("javascript:alert(1)", "must use http or https")]
    [InlineData("https://user:pass@example.com/", "must not contain user info (user:password@)")]
    [InlineData("https://example.com/#frag", "must not contain a fragment (#...)")]
    public void WebhookUrlValidate_NamesTheProblem(string url, string? error) => Assert.Equal(error, WebhookUrl.Validate(url));

    [Fact]
    public void WebhookUrlValidate_RefusesOverlongUrls() =>
        Assert.Equal("must be at most 2048 characters", WebhookUrl.Validate("https://example.com/" + new string('a', 2048)));

    [Fact]
    public void Options_AreReadFromTheEnvironmentNames()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["EC_WEBHOOK_ALLOW_PRIVATE"] = "true", ["EC_WEBHOOK_TIMEOUT_SECONDS"] = "2.5", ["EC_WEBHOOK_RETRY_HOURS"] = "6",
            ["EC_WEBHOOK_SECRET_GRACE_HOURS"] = "0",
        }).Build();
        var o = WebhookOptions.FromConfiguration(config);
        Assert.True(o.AllowPrivate);
        Assert.Equal(TimeSpan.FromSeconds(2.5), o.Timeout);
        Assert.Equal(TimeSpan.FromHours(6), o.RetryPeriod);
        Assert.Equal(TimeSpan.Zero, o.SecretGrace);
        var defaults = WebhookOptions.FromConfiguration(new ConfigurationBuilder().Build());
        Assert.False(defaults.AllowPrivate);
        Assert.Equal(TimeSpan.FromSeconds(10), defaults.Timeout);
        Assert.Equal(TimeSpan.FromHours(24), defaults.RetryPeriod);
    }
}
