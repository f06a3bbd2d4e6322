using EdgeConductor.Server.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeConductor.Server.Tests.Hosting;

/// <summary>Start-up: the bootstrap super admin, and restarting on existing data (migrations are not re-applied).</summary>
public sealed class ServerStartTests
{
    [Fact]
    public async Task FirstStart_CreatesSuperAdminFromSettings()
    {
        await using var server = await EcServerFactory.StartAsync(new EcServerOptions { AdminEmail = "Root@Example.Test", AdminPassword = "chosen-password-1" });
        var s = await server.Api.LoginAsync("root@example.test", "chosen-password-1");
        Assert.Equal("super_admin", s.Role);
        Assert.Equal(1, await server.Services.GetRequiredService<UserStore>().CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task FirstStart_WithoutPassword_GeneratesOne_ForTheDefaultEmail_PrintsItOnce_AndItLogsIn()
    {
        // The generated password is printed once on stdout (the only place an operator can read it). Capture stdout
        // for the start-up only; other tests' output may land here too, which the banner match ignores.
        var captured = new StringWriter();
        var original = Console.Out;
        EcServerFactory server;
        Console.SetOut(TextWriter.Synchronized(captured));
        try
        {
            server = await EcServerFactory.StartAsync(new EcServerOptions { AdminEmail = "", AdminPassword = "" });
        }
        finally
        {
            Console.SetOut(original);
        }
        await using var _ = server;
        var admin = await server.Services.GetRequiredService<UserStore>().FindByEmailAsync("admin@edgeconductor.local", CancellationToken.None);
        Assert.NotNull(admin);
        Assert.Equal("super_admin", admin.Role);

        var banners = System.Text.RegularExpressions.Regex.Matches(captured.ToString(), @"email:\s+admin@edgeconductor\.local\s+password: (\S*)");
        var password = Assert.Single(banners).Groups[1].Value;
        // Secrets.NewToken(15): 120 random bits as 20 base64 characters with '+' and '/' replaced, no padding.
        Assert.Matches("^[A-Za-z0-9]{20}$", password);
        Assert.True(UserStore.VerifyPassword(admin, password), "the printed password is the stored one");
        Assert.False(UserStore.VerifyPassword(admin, ""));
        var session = await server.Api.LoginAsync("admin@edgeconductor.local", password);
        Assert.Equal("super_admin", session.Role);
    }

    [Theory]
    [InlineData(TestDatabase.Sqlite)]
    [InlineData(TestDatabase.Postgres)]
    public async Task Restart_OnSameData_KeepsEverything_AndDoesNotBootstrapAgain(TestDatabase engine)
    {
        var dir = Path.Combine(Path.GetTempPath(), "ec-restart-" + Guid.NewGuid().ToString("N")[..8]);
        string? pg = engine == TestDatabase.Postgres ? await (await PostgresTestServer.GetAsync()).CreateDatabaseAsync("restart") : null;
        try
        {
            var options = new EcServerOptions { Database = engine, DataDir = dir, PostgresConnectionString = pg };
            string orgId, serial, key;
            await using (var first = await EcServerFactory.StartAsync(options))
            {
                orgId = (await first.Api.CreateOrgAsync()).Id;
                key = (await first.Api.CreateApiKeyAsync(orgId)).Key;
                serial = (await first.Api.RegisterDeviceAsync(orgId)).SerialNo;
            }

            // Same data, a different admin password in the settings: the existing admin is kept as it was.
            await using var second = await EcServerFactory.StartAsync(options with { AdminPassword = "another-password-2" });
            using var anon = second.Api.Client(null);
            await anon.PostJsonAsync($"{EcApi.Base}/auth/login", new { email = options.AdminEmail, password = "another-password-2" })
                .ExpectProblemAsync(HttpStatusCode.Unauthorized);
            await second.Api.LoginAsync(options.AdminEmail, options.AdminPassword);
            Assert.Equal(1, await second.Services.GetRequiredService<UserStore>().CountAsync(CancellationToken.None));

            // The signing key lives in the database, so the old API key and the registry are all still there.
            using var k = second.Api.Client(key);
            var d = await k.GetAsync($"{EcApi.Base}/devices/{serial}").ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(orgId, d.Str("org_id"));
        }
        finally
        {
            if (pg is not null) await (await PostgresTestServer.GetAsync()).DropDatabaseAsync(pg);
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task AccessToken_FromOneInstance_IsValidOnAnotherSharingTheDatabaseAndTheConfiguredKey()
    {
        var pg = await (await PostgresTestServer.GetAsync()).CreateDatabaseAsync("twoinstances");
        try
        {
            // The signing key is not in the database (issue 8): instances share it through configuration.
            var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64));
            var options = new EcServerOptions
            {
                Database = TestDatabase.Postgres, PostgresConnectionString = pg,
                Settings = new Dictionary<string, string?> { ["EC_JWT_KEY"] = key },
            };
            await using var a = await EcServerFactory.StartAsync(options);
            await using var b = await EcServerFactory.StartAsync(options);
            var token = await a.Api.AdminTokenAsync();
            using var c = b.Api.Client(token);
            await c.GetAsync($"{EcApi.Base}/auth/me").ExpectAsync(HttpStatusCode.OK);
        }
        finally
        {
            await (await PostgresTestServer.GetAsync()).DropDatabaseAsync(pg);
        }
    }
}
