using System.Net;
using EdgeConductor.Cli.Tests.Infrastructure;

namespace EdgeConductor.Cli.Tests.Cli;

/// <summary>A rate-limited CLI call says why it pauses. A stub server answers 429 on cue.</summary>
public sealed class RetryReportingTests
{
    [Fact]
    public async Task RateLimited_ReportsTheWait_ThenSucceeds()
    {
        var stub = new StubHandler()
            .Problem(429, "RATE_LIMITED", "Rate limit of 100 requests per minute exceeded.", retryAfterSeconds: 1)
            .Respond(HttpStatusCode.OK, "[]");
        var output = new StringWriter();
        var error = new StringWriter();
        var env = new CliEnvironment
        {
            Out = output,
            Error = error,
            Variables = new Dictionary<string, string?> { ["EC_API_KEY"] = "ec_live_x", ["EC_URL"] = "http://stub/api/v1", ["HOME"] = Path.GetTempPath() },
            HttpHandler = stub,
        };

        var code = await EcCli.RunAsync(["org", "list"], env);

        Assert.Equal(0, code);
        Assert.Contains("0 org(s)", output.ToString());
        Assert.Contains("rate limited (429); retrying in 1 s", error.ToString());
        Assert.Equal(2, stub.Requests.Count);
    }
}
