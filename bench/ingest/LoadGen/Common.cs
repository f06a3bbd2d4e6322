using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EdgeConductor.Mqtt.Client;

namespace EdgeConductor.Bench.Ingest;

/// <summary>A benchmark precondition or check failed: the run is invalid, not slow.</summary>
internal sealed class BenchFailure(string message) : Exception(message);

/// <summary>Where the server under test listens and the super admin to set it up with.</summary>
internal sealed record Target(Uri Http, int MqttPort, string Email, string Password)
{
    public static Target FromArgs(string[] a) => a.Length >= 4
        ? new Target(new Uri(a[0].TrimEnd('/') + "/"), int.Parse(a[1], CultureInfo.InvariantCulture), a[2], a[3])
        : throw new BenchFailure("expected <http-base> <mqtt-port> <admin-email> <admin-password>");
}

/// <summary>A logged-in super admin: creates an org (enterprise plan: no API rate limit) and registers devices in it.</summary>
internal sealed class AdminSession : IDisposable
{
    public HttpClient Http { get; }
    public string OrgId { get; private set; } = "";
    public string Run { get; } = Guid.NewGuid().ToString("N")[..6];
    private readonly Target _target;

    private AdminSession(Target target)
    {
        _target = target;
        Http = new HttpClient { BaseAddress = target.Http, Timeout = TimeSpan.FromMinutes(5) };
    }

    public static async Task<AdminSession> StartAsync(Target target, string orgName)
    {
        var s = new AdminSession(target);
        var login = await s.JsonAsync(await s.Http.PostAsJsonAsync("api/v1/auth/login", new { email = target.Email, password = target.Password }));
        s.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("access_token").GetString());
        var org = await s.JsonAsync(await s.Http.PostAsJsonAsync("api/v1/orgs", new { name = $"{orgName} {s.Run}", plan = "enterprise" }));
        s.OrgId = org.GetProperty("id").GetString()!;
        return s;
    }

    public async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
            throw new BenchFailure($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} -> {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Registers devices {prefix}-{run}-{0000..} (8 requests at a time) and returns (serial, secret) in order.</summary>
    public async Task<(string Serial, string Secret)[]> RegisterDevicesAsync(string prefix, int count)
    {
        var result = new (string, string)[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (d, _) =>
        {
            var serial = $"{prefix}-{Run}-{d:D4}";
            var dev = await JsonAsync(await Http.PostAsJsonAsync("api/v1/devices/register", new { serial_no = serial, product_type = "EC-CLIMATE-V1", org_id = OrgId }));
            result[d] = (serial, dev.GetProperty("device_secret").GetString()!);
        });
        return result;
    }

    public async Task<MqttClient> ConnectDeviceAsync(string serial, string secret)
    {
        var c = new MqttClient(new MqttClientOptions
        {
            Host = _target.Http.Host == "localhost" ? "127.0.0.1" : _target.Http.Host, Port = _target.MqttPort,
            ClientId = serial, UserName = serial, Password = Encoding.UTF8.GetBytes(secret),
        });
        await c.ConnectAsync();
        return c;
    }

    public void Dispose() => Http.Dispose();
}

internal static class Stats
{
    /// <summary>Nearest-rank percentile of an already sorted array.</summary>
    public static double P(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];

    public static string F(double v, int decimals = 2) => v.ToString("F" + decimals, CultureInfo.InvariantCulture);

    /// <summary>Sorts the samples (in place) and returns "prefix_p50_ms=… prefix_p99_ms=… prefix_max_ms=…".</summary>
    public static string Summary(string prefix, double[] ms)
    {
        Array.Sort(ms);
        return $"{prefix}p50_ms={F(P(ms, 0.50))} {prefix}p99_ms={F(P(ms, 0.99))} {prefix}max_ms={F(ms.Length == 0 ? double.NaN : ms[^1])}";
    }
}
