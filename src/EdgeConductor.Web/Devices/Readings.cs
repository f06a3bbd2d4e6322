using System.Globalization;
using System.Text.Json;

namespace EdgeConductor.Web.Devices;

/// <summary>
/// Reading helpers of the device pages: which fields of a reading are numeric (chartable), labels and units of the seed's
/// fields (seed 001 "Telemetry" and "Diagnostics"), the LiPo battery percentage and display formatting.
/// </summary>
public static class Readings
{
    /// <summary>The seed's chart metrics, in the order the seed lists them (seed 001 "Telemetry": Temp, Humidity, CO₂, Battery, Signal).</summary>
    public static readonly IReadOnlyList<string> PrimaryMetrics = ["temp", "hum", "co2", "bat", "signal"];

    /// <summary>Diagnostic fields shown in the diagnostics panel rather than as metric toggles by default.</summary>
    public static readonly IReadOnlySet<string> DiagnosticFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "heap", "uptime", "reboot_reason", "gps_fix", "sats", "ttff",
    };

    /// <summary>LiPo cell range of seed 001 "Diagnostics": 3.3 V is empty, 4.2 V is full.</summary>
    public const double LipoEmptyVolts = 3.3, LipoFullVolts = 4.2;

    /// <summary>Battery percentage for a LiPo voltage, linear over 3.3–4.2 V and clamped to 0–100.</summary>
    public static int BatteryPercent(double volts) =>
        (int)Math.Round(Math.Clamp((volts - LipoEmptyVolts) / (LipoFullVolts - LipoEmptyVolts), 0, 1) * 100, MidpointRounding.AwayFromZero);

    /// <summary>The human label of a field (known seed fields; anything else is its own name).</summary>
    public static string Label(string field) => field switch
    {
        "temp" => "Temperature",
        "hum" => "Humidity",
        "co2" => "CO₂",
        "bat" => "Battery",
        "signal" => "Signal",
        "heap" => "Free heap",
        "uptime" => "Uptime",
        "relay" => "Relay",
        "speed" => "Speed",
        _ => field,
    };

    /// <summary>The unit of a seed field, or empty.</summary>
    public static string Unit(string field) => field switch
    {
        "temp" => "°C",
        "hum" => "%",
        "co2" => "ppm",
        "bat" => "V",
        "signal" => "dBm",
        "heap" => "B",
        "uptime" => "s",
        "ttff" => "s",
        "speed" => "km/h",
        _ => "",
    };

    /// <summary>The top-level numeric members of a reading (numbers only; booleans and strings are not chartable as lines).</summary>
    public static IEnumerable<string> NumericFields(JsonElement reading)
    {
        if (reading.ValueKind != JsonValueKind.Object) yield break;
        foreach (var p in reading.EnumerateObject())
            if (p.Value.ValueKind == JsonValueKind.Number && p.Name != "ts") yield return p.Name;
    }

    /// <summary>The chart metrics for a device: the seed's primary metrics it reports, then its other numeric fields by name.</summary>
    public static IReadOnlyList<string> ChartMetrics(JsonElement reading)
    {
        var numeric = NumericFields(reading).ToHashSet(StringComparer.Ordinal);
        return PrimaryMetrics.Where(numeric.Contains)
            .Concat(numeric.Where(f => !PrimaryMetrics.Contains(f)).Order(StringComparer.Ordinal))
            .ToList();
    }

    /// <summary>A reading member as display text (numbers invariant, at most 2 decimals), or null when absent.</summary>
    public static string? Text(JsonElement reading, string field)
    {
        if (reading.ValueKind != JsonValueKind.Object || !reading.TryGetProperty(field, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.Number => v.GetDouble().ToString("0.##", CultureInfo.InvariantCulture),
            JsonValueKind.True => "yes",
            JsonValueKind.False => "no",
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Null => null,
            _ => v.GetRawText(),
        };
    }

    /// <summary>A numeric member, or null.</summary>
    public static double? Number(JsonElement reading, string field) =>
        reading.ValueKind == JsonValueKind.Object && reading.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number
            ? v.GetDouble()
            : null;

    /// <summary>Seconds as "2d 3h 4m" / "3h 4m" / "4m 5s".</summary>
    public static string Duration(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Max(0, seconds));
        if (t.TotalDays >= 1) return $"{(int)t.TotalDays}d {t.Hours}h {t.Minutes}m";
        if (t.TotalHours >= 1) return $"{t.Hours}h {t.Minutes}m";
        return $"{t.Minutes}m {t.Seconds}s";
    }

    /// <summary>"12 s ago" / "5 min ago" / "3 h ago" / a date, relative to <paramref name="now"/>; "never" for null.</summary>
    public static string Ago(DateTimeOffset? when, DateTimeOffset now)
    {
        if (when is not { } w) return "never";
        var d = now - w;
        if (d < TimeSpan.FromMinutes(1)) return $"{Math.Max(0, (int)d.TotalSeconds)} s ago";
        if (d < TimeSpan.FromHours(1)) return $"{(int)d.TotalMinutes} min ago";
        if (d < TimeSpan.FromDays(1)) return $"{(int)d.TotalHours} h ago";
        return w.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
    }
}
