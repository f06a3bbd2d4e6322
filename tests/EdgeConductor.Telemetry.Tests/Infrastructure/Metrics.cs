using System.Globalization;

namespace EdgeConductor.Telemetry.Tests.Infrastructure;

/// <summary>Reads GET /metrics (Prometheus text). Several test servers share the process's meters, so compare deltas.</summary>
internal static class Metrics
{
    public static async Task<string> ScrapeAsync(EcServer server)
    {
        using var http = new HttpClient();
        return await http.GetStringAsync(new Uri(server.BaseUri, "metrics"));
    }

    /// <summary>Sum of every sample of <paramref name="name"/> whose labels contain all of <paramref name="labels"/> (e.g. result="rejected").</summary>
    public static double Sum(string text, string name, params string[] labels)
    {
        double total = 0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith('#') || !line.StartsWith(name, StringComparison.Ordinal)) continue;
            var rest = line[name.Length..];
            if (rest.Length == 0 || (rest[0] != ' ' && rest[0] != '{')) continue;
            if (labels.Any(l => !rest.Contains(l, StringComparison.Ordinal))) continue;
            total += double.Parse(rest[(rest.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        }
        return total;
    }

    public static async Task<double> SumAsync(EcServer server, string name, params string[] labels) => Sum(await ScrapeAsync(server), name, labels);
}
