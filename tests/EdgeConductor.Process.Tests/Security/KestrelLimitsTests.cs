using System.Net.Sockets;
using System.Text;

namespace EdgeConductor.Process.Tests.Security;

/// <summary>
/// Errors that only real sockets show, on the real server process: a chunked body over its route's limit is cut at the
/// limit with 413 problem+json; request lines and headers over our limits get 414/431 problem+json. Kestrel itself
/// answers (empty body, before any application code) only heads beyond twice our limits and requests it cannot parse,
/// such as a NUL byte in the path: those are pinned here as documented (docs/security.md), so a change is noticed.
/// </summary>
public sealed class KestrelLimitsTests(KestrelLimitsTests.RunningServer running) : IClassFixture<KestrelLimitsTests.RunningServer>
{
    /// <summary>One server process for the class (these tests only read).</summary>
    public sealed class RunningServer : IAsyncLifetime
    {
        private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "ec-kestrel-" + Guid.NewGuid().ToString("N"));
        private ServerProcess? _server;

        internal ServerProcess Server => _server ?? throw new InvalidOperationException("not started");

        public async Task InitializeAsync()
        {
            _server = new ServerProcess(_dataDir);
            await _server.StartAsync();
        }

        public async Task DisposeAsync()
        {
            if (_server is not null) await _server.DisposeAsync();
            try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
        }
    }

    private ServerProcess Server => running.Server;

    [Fact]
    public async Task ChunkedLoginOverTheAuthLimit_IsCutAt16KB_With413Problem()
    {
        var body = "{\"email\":\"" + new string('a', 100_000) + "\"}";
        var answer = await SendRawAsync(
            "POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + $"{body.Length:x}\r\n{body}\r\n0\r\n\r\n");
        AssertProblem(answer, 413, "PAYLOAD_TOO_LARGE");
        Assert.Contains("16384", answer);
    }

    [Fact]
    public async Task RequestLineBetweenOurLimitAndKestrels_Is414Problem()
    {
        var answer = await SendRawAsync($"GET /api/v1/devices?q={new string('a', 10_000)} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        AssertProblem(answer, 414, "URI_TOO_LONG");
    }

    [Fact]
    public async Task HeadersBetweenOurLimitAndKestrels_Are431Problem()
    {
        var answer = await SendRawAsync($"GET /api/v1/devices HTTP/1.1\r\nHost: localhost\r\nX-Padding: {new string('h', 40_000)}\r\nConnection: close\r\n\r\n");
        AssertProblem(answer, 431, "HEADERS_TOO_LARGE");
    }

    [Theory]
    [InlineData("GET /api/v1/devices/%00 HTTP/1.1\r\nHost: localhost\r\n\r\n", 400)]
    [InlineData("GET /api/v1/devices?q={big} HTTP/1.1\r\nHost: localhost\r\n\r\n", 414)]
    public async Task WhatKestrelRejectsBeforeTheApplication_HasNoBody_AsDocumented(string request, int status)
    {
        var answer = await SendRawAsync(request.Replace("{big}", new string('a', 20_000), StringComparison.Ordinal));
        Assert.StartsWith($"HTTP/1.1 {status} ", answer);
        Assert.Contains("Content-Length: 0", answer);
    }

    private static void AssertProblem(string answer, int status, string code)
    {
        Assert.StartsWith($"HTTP/1.1 {status} ", answer);
        Assert.Contains("Content-Type: application/problem+json", answer);
        Assert.Contains($"\"code\":\"{code}\"", answer);
        Assert.Contains("\"detail\":", answer);
    }

    /// <summary>Writes <paramref name="request"/> as it is and reads until the server closes or a full answer has arrived.</summary>
    private async Task<string> SendRawAsync(string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", Server.HttpPort);
        var stream = tcp.GetStream();
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        }
        catch (IOException) { } // the server may answer and close before it has taken the whole request
        var sb = new StringBuilder();
        var buffer = new byte[8192];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, cts.Token)) > 0)
            {
                sb.Append(Encoding.UTF8.GetString(buffer, 0, n));
                if (IsComplete(sb.ToString())) break;
            }
        }
        catch (IOException) { }
        return sb.ToString();
    }

    /// <summary>Headers done and, for a chunked body, the last chunk seen; for a Content-Length body, all of it.</summary>
    private static bool IsComplete(string text)
    {
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0) return false;
        var head = text[..end];
        if (head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)) return text.EndsWith("0\r\n\r\n", StringComparison.Ordinal);
        var m = System.Text.RegularExpressions.Regex.Match(head, @"Content-Length: (\d+)", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        return m.Success && text.Length - end - 4 >= int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
