using EdgeConductor.Server.Hosting;
using EdgeConductor.Server.Storage;
using Microsoft.Extensions.Configuration;

namespace EdgeConductor.Server.Tests.Hosting;

public sealed class EcOptionsTests
{
    private static EcOptions From(params (string Key, string Value)[] settings) =>
        EcOptions.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    [Theory]
    [InlineData(null, "full")]
    [InlineData("", "full")]
    [InlineData("FULL", "full")]
    [InlineData("normal", "normal")]
    public void SqliteSynchronous_DefaultsToFull_AcceptsNormal(string? value, string expected)
    {
        var options = value is null ? From() : From(("EC_SQLITE_SYNCHRONOUS", value));
        Assert.Equal(expected, options.SqliteSynchronous);
    }

    [Fact]
    public void SqliteSynchronous_UnknownValue_FailsStartWithTheSettingNamed()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => From(("EC_SQLITE_SYNCHRONOUS", "off")));
        Assert.Contains("EC_SQLITE_SYNCHRONOUS", ex.Message);
    }

    [Theory]
    [InlineData("full", 2)]
    [InlineData("normal", 1)]
    public async Task Database_AppliesTheSynchronousSettingToEveryConnection(string setting, long expected)
    {
        var dir = Path.Combine(Path.GetTempPath(), "ec-sync-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var db = Database.Create(dir, "", setting);
            await using var conn = await db.OpenAsync();
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = "PRAGMA synchronous";
            Assert.Equal(expected, (long)(await cmd.ExecuteScalarAsync())!);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("*", "*")]
    [InlineData("https://Dash.Example.com/, http://localhost:5173", "https://dash.example.com|http://localhost:5173")]
    [InlineData("https://a.example:443,https://a.example", "https://a.example")]
    [InlineData("http://[::1]:8080", "http://[::1]:8080")]
    public void CorsOrigins_AreExactOrigins_Normalised(string? value, string expected)
    {
        var options = value is null ? From() : From(("EC_CORS_ORIGINS", value));
        Assert.Equal(expected, string.Join('|', options.CorsOrigins));
    }

    [Theory]
    [InlineData("dash.example.com")]
    [InlineData("https://dash.example.com/app")]
    [InlineData("https://dash.example.com?x=1")]
    [InlineData("https://user@dash.example.com")]
    [InlineData("ftp://dash.example.com")]
    [InlineData("https://*.example.com")]
    [InlineData("*, https://dash.example.com")]
    [InlineData("null")]
    public void CorsOrigins_NotAnOrigin_FailsStartWithTheSettingNamed(string value)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => From(("EC_CORS_ORIGINS", value)));
        Assert.Contains("EC_CORS_ORIGINS", ex.Message);
    }

    [Fact]
    public async Task CorsOrigins_BadValue_TheServerDoesNotStart()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => EcServerFactory.StartAsync(new EcServerOptions
        {
            Settings = new Dictionary<string, string?> { ["EC_CORS_ORIGINS"] = "https://ok.example, not-an-origin" },
        }));
        Assert.Contains("EC_CORS_ORIGINS: 'not-an-origin' is not an origin", ex.Message);
    }
}
