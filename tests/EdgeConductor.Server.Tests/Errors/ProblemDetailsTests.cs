using Microsoft.Data.Sqlite;

namespace EdgeConductor.Server.Tests.Errors;

/// <summary>Every 4xx/5xx is application/problem+json with status, title, detail and a machine code; no stack traces.</summary>
public sealed class ProblemDetailsTests(EcServerFactory server) : IClassFixture<EcServerFactory>
{
    [Fact]
    public async Task UnknownRoute_Authenticated_Is404Problem()
    {
        using var c = await server.Api.AdminClientAsync();
        var p = await c.GetAsync($"{EcApi.Base}/no-such-thing").ExpectProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Contains("/api/v1/no-such-thing", p.Str("detail"));
        Assert.False(string.IsNullOrEmpty(p.Str("trace_id")));
    }

    [Fact]
    public async Task UnknownRoute_Anonymous_IsProblemToo()
    {
        using var c = server.Api.Client(null);
        var r = await c.GetAsync($"{EcApi.Base}/no-such-thing");
        Assert.True(r.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized, r.StatusCode.ToString());
        await r.ExpectProblemAsync(r.StatusCode);
    }

    [Fact]
    public async Task WrongMethod_Is405Problem()
    {
        using var c = await server.Api.AdminClientAsync();
        var r = await c.PutAsync($"{EcApi.Base}/devices", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        await r.ExpectProblemAsync(HttpStatusCode.MethodNotAllowed, "METHOD_NOT_ALLOWED");
    }

    [Fact]
    public async Task WrongContentType_Is415Problem()
    {
        using var c = await server.Api.AdminClientAsync();
        var r = await c.SendRawAsync(HttpMethod.Post, $"{EcApi.Base}/devices/register", "serial_no=EC-1", "text/plain");
        await r.ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
    }

    [Fact]
    public async Task MalformedJson_DetailSaysWhatIsWrong_WithoutInternals()
    {
        using var c = await server.Api.AdminClientAsync();
        var p = await c.SendRawAsync(HttpMethod.Post, $"{EcApi.Base}/auth/login", "{\"email\": \"a@b.c\", \"password\": ")
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Contains("JSON", p.Str("detail"));
        Assert.DoesNotMatch(@"\bat [\w.`<>]+\(", p.Str("detail")); // no stack frame
        Assert.False(p.TryGetProperty("exception", out _));
        Assert.False(p.TryGetProperty("stack", out _));
    }

    [Fact]
    public async Task Forbidden_Is403Problem_NamingTheRolesNeeded()
    {
        var org = await server.Api.CreateOrgAsync();
        var customer = await server.Api.CreateUserAsync(org.Id, "customer");
        using var c = server.Api.Client(customer.Token);
        var p = await c.PostJsonAsync($"{EcApi.Base}/orgs/{org.Id}/rooms", new { name = "x" }).ExpectProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Contains("org_admin", p.Str("detail"));
    }

    [Fact]
    public async Task ClientAcceptingOnlyEventStream_GetsProblemJson_Not500()
    {
        // An SSE client (a browser's EventSource, the SDKs' live streams) sends only Accept: text/event-stream; the
        // default problem writer declines that, and errors on /stream used to be an empty 500.
        using var anon = server.Api.Client(null);
        using var unauthenticated = new HttpRequestMessage(HttpMethod.Get, $"{EcApi.Base}/devices/EC-NOPE/stream");
        unauthenticated.Headers.Accept.ParseAdd("text/event-stream");
        await (await anon.SendAsync(unauthenticated)).ExpectProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");

        using var c = await server.Api.AdminClientAsync();
        using var unknown = new HttpRequestMessage(HttpMethod.Get, $"{EcApi.Base}/devices/EC-NOPE/stream");
        unknown.Headers.Accept.ParseAdd("text/event-stream");
        var p = await (await c.SendAsync(unknown)).ExpectProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.False(string.IsNullOrEmpty(p.Str("trace_id")));
    }

    [Fact]
    public async Task ValidationProblem_HasErrorsByField()
    {
        using var c = await server.Api.AdminClientAsync();
        var p = await c.PostJsonAsync($"{EcApi.Base}/orgs", new { name = "" }).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["is required"], p.GetProperty("errors").GetProperty("name").EnumerateArray().Select(e => e.GetString()!).ToArray());
    }
}

/// <summary>Server faults: a 500 that tells nothing of the fault, and /ready answering 503. Each breaks its own server.</summary>
public sealed class ServerFaultTests
{
    [Fact]
    public async Task StorageFault_Is500Problem_WithoutStackTraceOrSql()
    {
        await using var server = await EcServerFactory.StartAsync(new EcServerOptions());
        var org = await server.Api.CreateOrgAsync();
        await using (var conn = await server.Database.OpenAsync())
        {
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = "DROP TABLE rooms";
            await cmd.ExecuteNonQueryAsync();
        }
        using var c = await server.Api.AdminClientAsync();
        var r = await c.GetAsync($"{EcApi.Base}/orgs/{org.Id}/rooms");
        var p = await r.ExpectProblemAsync(HttpStatusCode.InternalServerError, "INTERNAL_ERROR");
        var text = p.ToString();
        Assert.Equal("An unexpected error occurred.", p.Str("detail"));
        foreach (var leak in new[] { "Sqlite", "SQLite", "rooms", "Exception", ".cs" })
            Assert.DoesNotContain(leak, text);
        Assert.DoesNotMatch(@"\bat [\w.`<>]+\(", text);
    }

    [Fact]
    public async Task Ready_DatabaseUnreachable_Is503Problem_HealthStaysOk()
    {
        await using var server = await EcServerFactory.StartAsync(new EcServerOptions());
        using var c = server.Api.Client(null);
        await c.GetAsync("/ready").ExpectAsync(HttpStatusCode.OK);

        SqliteConnection.ClearAllPools();
        Directory.Delete(server.DataDir, recursive: true);
        await File.WriteAllTextAsync(server.DataDir, "not a folder"); // the database file can no longer be opened
        try
        {
            var p = await c.GetAsync("/ready").ExpectProblemAsync(HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
            Assert.DoesNotContain(server.DataDir, p.ToString());
            await c.GetAsync("/health").ExpectAsync(HttpStatusCode.OK);
        }
        finally
        {
            File.Delete(server.DataDir);
        }
    }
}
