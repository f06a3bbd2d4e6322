using EdgeConductor.Server.Hosting;
using EdgeConductor.Server.Ota;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeConductor.Server.Tests.Hosting;

/// <summary>EC_PUBLIC_URL is one value, read and checked once at start, used by OTA and by notification e-mails.</summary>
public sealed class PublicUrlOptionsTests
{
    private static PublicUrlOptions From(string? value) =>
        PublicUrlOptions.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection([new KeyValuePair<string, string?>(PublicUrlOptions.Setting, value)])
            .Build());

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("   ", null)]
    [InlineData("https://iot.example.com", "https://iot.example.com")]
    [InlineData(" https://iot.example.com/ ", "https://iot.example.com")]
    [InlineData("http://10.0.0.5:8080", "http://10.0.0.5:8080")]
    [InlineData("https://example.com/ec/", "https://example.com/ec")]
    public void GoodOrUnsetValues_AreNormalised(string? value, string? expected) => Assert.Equal(expected, From(value).BaseUrl);

    [Theory]
    [InlineData("iot.example.com")]
    [InlineData("/relative/path")]
    [InlineData("ftp://iot.example.com")]
    [InlineData("mqtt://iot.example.com")]
    [InlineData("https://")]
    [InlineData("https://iot.example.com/?a=1")]
    [InlineData("https://iot.example.com/#top")]
    [InlineData("https://user:pw@iot.example.com")]
    public void BadValue_FailsWithTheSettingNamed(string value)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => From(value));
        Assert.Contains("EC_PUBLIC_URL", ex.Message);
        Assert.Contains(value, ex.Message);
    }

    [Fact]
    public async Task Server_WithABadValue_DoesNotStart_AndSaysWhy_WithAGoodOne_OtaUsesIt()
    {
        // Control: a good value starts the server, and OTA download URLs are built on it.
        await using (var ok = await EcServerFactory.StartAsync(new EcServerOptions
                     { Settings = new Dictionary<string, string?> { ["EC_PUBLIC_URL"] = "https://iot.example.test/" } }))
        {
            Assert.Equal("https://iot.example.test", ok.Services.GetRequiredService<PublicUrlOptions>().BaseUrl);
            Assert.Equal("https://iot.example.test/api/v1/firmware/fw1/download", ok.Services.GetRequiredService<OtaUrls>().Canonical("fw1"));
        }

        var dir = Path.Combine(Path.GetTempPath(), "ec-public-url-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var ex = await Assert.ThrowsAnyAsync<Exception>(() => EcServerFactory.StartAsync(new EcServerOptions
            {
                DataDir = dir,
                Settings = new Dictionary<string, string?> { ["EC_PUBLIC_URL"] = "iot.example.test" },
            }));
            var messages = string.Join(" | ", Chain(ex).Select(e => e.Message));
            Assert.Contains("EC_PUBLIC_URL must be an absolute http or https URL", messages);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private static IEnumerable<Exception> Chain(Exception? e)
    {
        for (; e is not null; e = e.InnerException) yield return e;
    }
}
