using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using EdgeConductor.Mqtt.Client;
using EdgeConductor.Mqtt.Protocol;
using Xunit.Abstractions;

namespace EdgeConductor.Process.Tests.Security;

/// <summary>
/// SIGTERM on the real server process with every kind of open connection: an SSE stream, MQTT 5 and 3.1.1 subscribers,
/// a request whose body is half sent, and telemetry load over MQTT QoS 1 and HTTP. The process must exit 0 within a
/// generous bound, MQTT 5 clients get DISCONNECT 0x8B, the cut request gets 503 problem+json, and everything that was
/// acknowledged before or during the shutdown is stored (checked after a restart on the same data).
/// </summary>
public sealed class GracefulShutdownTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Serial = "SHUT-1";
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(15);
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "ec-sigterm-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Sigterm_WithSseMqttHalfSentRequestAndLoad_ExitsZero_Disconnects0x8B_Answers503_KeepsAcknowledgedData()
    {
        string apiKey;
        var acked = new ConcurrentDictionary<string, byte>();
        await using (var server = new ServerProcess(_dataDir))
        {
            await server.StartAsync();
            (apiKey, var orgId, var secret) = await ProvisionAsync(server);

            // Acknowledged before anything else happens: must be there after the restart.
            using (var device = DeviceClient(server, secret))
            {
                for (var i = 0; i < 20; i++)
                {
                    (await device.PostAsync($"api/v1/devices/{Serial}/telemetry", Json($"{{\"src\":\"before\",\"seq\":{i},\"temp\":21}}")))
                        .EnsureSuccessStatusCode();
                    acked[$"before:{i}"] = 0;
                }
            }

            using var sub5 = Subscriber(server, apiKey, "mqttv5", "shut-sub5");
            Assert.True(await sub5.WaitForAsync("Subscribed (mid: 1): 0", TimeSpan.FromSeconds(20)), "v5 subscriber:\n" + sub5.Text);
            // mosquitto_sub 3.1.1 silently reconnects when the connection drops, so the 3.1.1 subscriber is our client,
            // which reports the end of its connection.
            var sub3Ended = new TaskCompletionSource<(MqttReasonCode? Reason, Exception? Error)>(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var sub3 = new MqttClient(new MqttClientOptions
            {
                Host = "127.0.0.1", Port = server.MqttPort, ClientId = "shut-sub3", UserName = "service", Password = Encoding.UTF8.GetBytes(apiKey),
                ProtocolVersion = MqttProtocolVersion.V311,
            });
            sub3.Disconnected = (reason, error) => sub3Ended.TrySetResult((reason, error));
            await sub3.ConnectAsync();
            Assert.Equal(MqttReasonCode.Success, await sub3.SubscribeAsync($"devices/{Serial}/telemetry", MqttQualityOfService.AtMostOnce));

            using var sseHttp = new HttpClient { BaseAddress = server.BaseUri, Timeout = Timeout.InfiniteTimeSpan };
            sseHttp.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            using var sse = await sseHttp.GetAsync($"api/v1/orgs/{orgId}/stream", HttpCompletionOption.ResponseHeadersRead);
            sse.EnsureSuccessStatusCode();
            var sseBody = new StreamReader(await sse.Content.ReadAsStreamAsync());
            Assert.StartsWith(":", await sseBody.ReadLineAsync()); // the stream's opening comment: it is live
            var sseDrained = Task.Run(async () => { try { while (await sseBody.ReadLineAsync() is not null) { } } catch (IOException) { } });

            // A login whose body is half sent; "100 Continue" proves the handler is waiting for the rest.
            using var half = new TcpClient();
            await half.ConnectAsync("127.0.0.1", server.HttpPort);
            var halfStream = half.GetStream();
            await halfStream.WriteAsync(Encoding.ASCII.GetBytes(
                "POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n"));
            var continued = await ReadUntilAsync(halfStream, "\r\n\r\n");
            Assert.StartsWith("HTTP/1.1 100", continued);
            await halfStream.WriteAsync(Encoding.ASCII.GetBytes("{\"email\":\"admin@"));
            var halfAnswer = Task.Run(() => ReadToEndAsync(halfStream));

            // Telemetry load running when the signal arrives.
            using var stop = new CancellationTokenSource();
            var load = new[] { MqttLoadAsync(server, secret, acked, stop.Token), HttpLoadAsync(server, secret, acked, stop.Token) };
            while (acked.Count < 120) await Task.Delay(20);

            var signalled = System.Diagnostics.Stopwatch.StartNew();
            server.Terminate();
            var exit = await server.WaitForExitAsync(ExitBound);
            output.WriteLine($"exited {signalled.Elapsed.TotalSeconds:0.0} s after SIGTERM (measured, not asserted beyond {ExitBound.TotalSeconds} s)");
            await stop.CancelAsync();
            await Task.WhenAll(load);
            output.WriteLine($"acknowledged: {acked.Count}\n--- server output:\n{server.Output}\n--- v5:\n{sub5.Text}");

            Assert.True(exit is not null, $"The server did not exit within {ExitBound.TotalSeconds} s of SIGTERM:\n{server.Output}");
            Assert.True(exit == 0, $"Exit code {exit}:\n{server.Output}");
            Assert.DoesNotContain("TaskCanceledException", server.Output);

            Assert.True(await sub5.WaitForExitAsync(TimeSpan.FromSeconds(15)), "the v5 subscriber is still running 15 s after the server exited (a generous bound for a loaded 2-core machine):\n" + sub5.Text);
            Assert.Contains("received DISCONNECT (139)", sub5.Text, StringComparison.OrdinalIgnoreCase); // 0x8B Server shutting down
            var (reason3, error3) = await sub3Ended.Task.WaitAsync(TimeSpan.FromSeconds(5));
            output.WriteLine($"3.1.1 subscriber: connection ended, reason {reason3?.ToString() ?? "none"}, error {error3?.Message ?? "none"}");
            Assert.Null(reason3); // 3.1.1 has no server DISCONNECT: the connection is closed

            var answer = await halfAnswer.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.StartsWith("HTTP/1.1 503", answer);
            Assert.Contains("application/problem+json", answer);
            Assert.Contains("\"code\":\"SERVICE_UNAVAILABLE\"", answer);

            await sseDrained.WaitAsync(TimeSpan.FromSeconds(5)); // the stream ended with the server
        }

        await using var restarted = new ServerProcess(_dataDir);
        await restarted.StartAsync();
        using var http = new HttpClient { BaseAddress = restarted.BaseUri };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        var records = await http.GetFromJsonAsync<JsonElement[]>($"api/v1/devices/{Serial}/telemetry?hours=1&limit=100000");
        var stored = records!.Select(r => $"{r.GetProperty("src").GetString()}:{r.GetProperty("seq").GetInt64()}").ToHashSet();
        var lost = acked.Keys.Where(k => !stored.Contains(k)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {acked.Count} acknowledged messages were lost, e.g. {string.Join(", ", lost.Take(5))}");
    }

    private static LineCollector Subscriber(ServerProcess server, string apiKey, string version, string clientId) =>
        new("mosquitto_sub", ["-h", "127.0.0.1", "-p", server.MqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-V", version, "-i", clientId, "-u", "service", "-P", apiKey, "-t", $"devices/{Serial}/telemetry", "-d"]);

    private static async Task<(string ApiKey, string OrgId, string Secret)> ProvisionAsync(ServerProcess server)
    {
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        var login = await (await http.PostAsJsonAsync("api/v1/auth/login", new { email = ServerProcess.AdminEmail, password = ServerProcess.AdminPassword }))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("access_token").GetString());
        var org = await (await http.PostAsJsonAsync("api/v1/orgs", new { name = "Shutdown", plan = "enterprise" }))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        var orgId = org.GetProperty("id").GetString()!;
        var key = await (await http.PostAsJsonAsync($"api/v1/orgs/{orgId}/api-keys", new { name = "shutdown" }))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        var apiKey = key.GetProperty("key").GetString()!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        var device = await (await http.PostAsJsonAsync("api/v1/devices/register", new { serial_no = Serial, product_type = "EC-CLIMATE-V1" }))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        return (apiKey, orgId, device.GetProperty("device_secret").GetString()!);
    }

    private static HttpClient DeviceClient(ServerProcess server, string secret)
    {
        var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Add("X-Device-Secret", secret);
        return http;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task MqttLoadAsync(ServerProcess server, string secret, ConcurrentDictionary<string, byte> acked, CancellationToken ct)
    {
        await using var client = new MqttClient(new MqttClientOptions
        {
            Host = "127.0.0.1", Port = server.MqttPort, ClientId = "shut-pub", UserName = Serial, Password = Encoding.UTF8.GetBytes(secret),
            ProtocolVersion = MqttProtocolVersion.V500,
        });
        await client.ConnectAsync(ct);
        try
        {
            for (long seq = 0; !ct.IsCancellationRequested && client.IsConnected; seq++)
            {
                var rc = await client.PublishAsync($"devices/{Serial}/telemetry", $"{{\"src\":\"mqtt\",\"seq\":{seq},\"temp\":22}}", MqttQualityOfService.AtLeastOnce);
                if (rc == MqttReasonCode.Success) acked[$"mqtt:{seq}"] = 0;
            }
        }
        catch (Exception) { /* the server went away: what was not acknowledged may be lost */ }
    }

    private static async Task HttpLoadAsync(ServerProcess server, string secret, ConcurrentDictionary<string, byte> acked, CancellationToken ct)
    {
        using var http = DeviceClient(server, secret);
        for (long seq = 0; !ct.IsCancellationRequested; seq++)
        {
            try
            {
                var res = await http.PostAsync($"api/v1/devices/{Serial}/telemetry", Json($"{{\"src\":\"http\",\"seq\":{seq},\"hum\":50}}"), ct);
                if (res.IsSuccessStatusCode) acked[$"http:{seq}"] = 0;
                else if (!ct.IsCancellationRequested && (int)res.StatusCode != 503) throw new InvalidOperationException($"Unexpected {res.StatusCode} during shutdown");
            }
            catch (HttpRequestException) { if (ct.IsCancellationRequested) return; await Task.Delay(10, CancellationToken.None); }
            catch (OperationCanceledException) { return; }
        }
    }

    private static async Task<string> ReadUntilAsync(NetworkStream stream, string end)
    {
        var sb = new StringBuilder();
        var buffer = new byte[1];
        while (!sb.ToString().EndsWith(end, StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(buffer) == 0) break;
            sb.Append((char)buffer[0]);
        }
        return sb.ToString();
    }

    private static async Task<string> ReadToEndAsync(NetworkStream stream)
    {
        var sb = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0) sb.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
        catch (IOException) { }
        return sb.ToString();
    }
}
