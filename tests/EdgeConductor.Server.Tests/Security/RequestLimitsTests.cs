using System.Net.Http.Headers;
using System.Text;
using EdgeConductor.Server.Hosting;

namespace EdgeConductor.Server.Tests.Security;

/// <summary>
/// Body limits per route group, answered 413 problem+json before the body is read: a request that declares a body over
/// its route's limit gets its answer while the body has not even been sent. (Chunked bodies and Kestrel's own head
/// limits need real sockets: EdgeConductor.Process.Tests, Security/KestrelLimitsTests.)
/// </summary>
public sealed class RequestLimitsTests(EcServerFactory server) : IClassFixture<EcServerFactory>
{
    [Fact]
    public async Task AnonymousLogin_Declaring28MB_Is413_WithoutWaitingForTheBody()
    {
        using var c = server.Api.Client(null);
        var body = new NeverEndingContent(28L * 1024 * 1024);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{EcApi.Base}/auth/login") { Content = body };
        // The body never finishes: only an answer given before reading it can arrive (the bound is generous, not a timing).
        var response = await c.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(TimeSpan.FromSeconds(60));
        var p = await response.ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
        Assert.Contains("16384", p.Str("detail"));
    }

    [Theory]
    [InlineData("POST", "/auth/login", RequestBodyLimits.AuthBytes)]
    [InlineData("POST", "/auth/refresh", RequestBodyLimits.AuthBytes)]
    [InlineData("POST", "/devices/EC-ANY-1/telemetry", RequestBodyLimits.TelemetryBytes)]
    [InlineData("PATCH", "/devices/EC-ANY-1/shadow/desired", RequestBodyLimits.DeviceMessageBytes)]
    [InlineData("POST", "/devices/register", RequestBodyLimits.DefaultBytes)]
    [InlineData("POST", "/orgs", RequestBodyLimits.DefaultBytes)]
    [InlineData("PATCH", "/devices/EC-ANY-1", RequestBodyLimits.DefaultBytes)]
    [InlineData("POST", "/partners", RequestBodyLimits.DefaultBytes)]
    public async Task BodyOneByteOverTheRouteLimit_Is413Problem_EvenAnonymously(string method, string path, long limit)
    {
        using var c = server.Api.Client(null);
        var r = await c.SendAsync(new HttpRequestMessage(new HttpMethod(method), EcApi.Base + path) { Content = Json((int)limit + 1) });
        var p = await r.ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
        Assert.Contains(limit.ToString(System.Globalization.CultureInfo.InvariantCulture), p.Str("detail"));
    }

    [Fact]
    public async Task BodyAtTheLimit_IsRead_AndJudgedOnItsContent()
    {
        using var c = server.Api.Client(null);
        var r = await c.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"{EcApi.Base}/auth/login") { Content = Json((int)RequestBodyLimits.AuthBytes) });
        await r.ExpectProblemAsync(HttpStatusCode.Unauthorized); // read and refused on its merits, not for its size
    }

    /// <summary>A JSON login body (a wrong password) padded with whitespace to exactly <paramref name="bytes"/> bytes.</summary>
    private static ByteArrayContent Json(int bytes)
    {
        var json = "{\"email\":\"nobody@example.test\",\"password\":\"wrong-password-1\"}";
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json + new string(' ', bytes - json.Length)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>Declares <c>Content-Length</c>, sends 1 KB of it and then never sends the rest.</summary>
    private sealed class NeverEndingContent : HttpContent
    {
        private readonly long _length;

        public NeverEndingContent(long length)
        {
            _length = length;
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes("{\"email\":\"" + new string('a', 1000)));
            await stream.FlushAsync();
            await Task.Delay(Timeout.Infinite);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _length;
            return true;
        }
    }
}
