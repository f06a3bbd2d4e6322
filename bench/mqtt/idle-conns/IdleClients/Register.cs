using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

/// <summary>
/// <c>IdleClients register HTTP_BASE EMAIL PASSWORD COUNT OUT_FILE</c>: logs in as the super admin, creates an enterprise
/// org and registers COUNT devices through the public API (POST /api/v1/devices/register, 16 requests at a time, the
/// same path as <c>ec manufacture</c>); writes "serial secret" lines to OUT_FILE.
/// </summary>
internal static class Register
{
    public static async Task<int> RunAsync(string[] a)
    {
        var (baseUrl, email, password, count, outFile) = (a[1].TrimEnd('/') + "/", a[2], a[3], int.Parse(a[4]), a[5]);
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(5) };
        var login = await Json(await http.PostAsJsonAsync("api/v1/auth/login", new { email, password }));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("access_token").GetString());
        var run = Guid.NewGuid().ToString("N")[..6];
        var org = await Json(await http.PostAsJsonAsync("api/v1/orgs", new { name = $"idle bench {run}", plan = "enterprise" }));
        var orgId = org.GetProperty("id").GetString();
        var lines = new string[count];
        var started = DateTime.UtcNow;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var serial = $"IDLE-{run}-{i:D5}";
            var dev = await Json(await http.PostAsJsonAsync("api/v1/devices/register", new { serial_no = serial, product_type = "EC-CLIMATE-V1", org_id = orgId }));
            lines[i] = serial + " " + dev.GetProperty("device_secret").GetString();
        });
        await File.WriteAllLinesAsync(outFile, lines);
        var seconds = (DateTime.UtcNow - started).TotalSeconds;
        Console.WriteLine($"registered {count} devices in {seconds:F1}s ({count / seconds:F0}/s)");
        return 0;
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} -> {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
