using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MimeKit;

namespace EdgeConductor.Server.Notifications.Email;

/// <summary>One notification to put into an e-mail.</summary>
/// <param name="Kind">Notification kind (<see cref="NotificationKinds"/>).</param>
/// <param name="Severity">info, warning or critical.</param>
/// <param name="Title">The bell's title.</param>
/// <param name="Body">The bell's body, if any.</param>
/// <param name="DeviceSerial">The device, if any.</param>
/// <param name="Data">The kind's details as JSON text (anomaly: field, value, baseline, deviation_pct, severity).</param>
/// <param name="CreatedAt">When it was raised (Unix ms).</param>
public sealed record EmailEntry(string Kind, string Severity, string Title, string? Body, string? DeviceSerial, string? Data, long CreatedAt);

/// <summary>The org an e-mail is branded for (white-label: name and primary colour, seed 001 "Partner Portal").</summary>
public sealed record EmailBrand(string OrgName, string? PrimaryColor);

/// <summary>
/// Builds notification e-mails (text + HTML, multipart/alternative). Anomalies are written as seed 001 shows them:
/// subject "⚠️ Warning: CO₂ on EC-CLM-GERMANY01", lines "CO₂ is 67% above baseline" and
/// "current: 1840 ppm  ·  avg: 1103 ppm", plus a link to the device in the console (EC_PUBLIC_URL).
/// </summary>
public static partial class NotificationEmailComposer
{
    /// <summary>The colour used when the org has none (or an unusable one).</summary>
    public const string DefaultColor = "#2563eb";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// The e-mail for <paramref name="entries"/> (oldest first; may be empty when only a summary is due) and
    /// <paramref name="heldBack"/> (kind → count of notifications held back by the hourly cap, for the summary line).
    /// </summary>
    public static MimeMessage Compose(MailboxAddress from, string to, EmailBrand brand, IReadOnlyList<EmailEntry> entries,
        IReadOnlyDictionary<string, int> heldBack, string? publicUrl)
    {
        var msg = new MimeMessage();
        msg.From.Add(new MailboxAddress(brand.OrgName, from.Address));
        msg.To.Add(MailboxAddress.Parse(to));
        msg.Subject = Subject(brand, entries, heldBack);
        var text = new StringBuilder();
        var html = new StringBuilder();
        var color = SafeColor(brand.PrimaryColor);
        text.Append(brand.OrgName).Append(" — notifications\n\n");
        html.Append("<!DOCTYPE html><html><body style=\"font-family:sans-serif;margin:0;padding:0\">")
            .Append("<div style=\"background:").Append(color).Append(";color:#ffffff;padding:12px 16px;font-size:18px;font-weight:bold\">")
            .Append(H(brand.OrgName)).Append("</div><div style=\"padding:16px\">");
        foreach (var e in entries)
        {
            var lines = Lines(e);
            var link = e.DeviceSerial is not null && publicUrl is not null ? $"{publicUrl}/devices/{Uri.EscapeDataString(e.DeviceSerial)}" : null;
            text.Append(Headline(e)).Append('\n');
            foreach (var l in lines) text.Append("    ").Append(l).Append('\n');
            text.Append("    ").Append(Stamp(e.CreatedAt)).Append('\n');
            if (link is not null) text.Append("    ").Append(link).Append('\n');
            text.Append('\n');
            html.Append("<div style=\"border-left:4px solid ").Append(color).Append(";padding:4px 12px;margin-bottom:16px\">")
                .Append("<div style=\"font-weight:bold\">").Append(H(Headline(e))).Append("</div>");
            foreach (var l in lines) html.Append("<div>").Append(H(l)).Append("</div>");
            html.Append("<div style=\"color:#666666;font-size:12px\">").Append(H(Stamp(e.CreatedAt))).Append("</div>");
            if (link is not null) html.Append("<div><a style=\"color:").Append(color).Append("\" href=\"").Append(H(link)).Append("\">Open ")
                .Append(H(e.DeviceSerial!)).Append(" in the console</a></div>");
            html.Append("</div>");
        }

        if (SummaryLine(heldBack) is { } summary)
        {
            text.Append(summary).Append('\n');
            html.Append("<p>").Append(H(summary)).Append("</p>");
        }

        var footer = $"You receive these e-mails for {brand.OrgName}. Choose which kinds you get, or turn them off, in your notification preferences" +
                     (publicUrl is null ? " (PUT /api/v1/users/me/notification-preferences)." : $": {publicUrl}/account/notifications");
        text.Append('\n').Append(footer).Append('\n');
        html.Append("<p style=\"color:#666666;font-size:12px\">").Append(H(footer)).Append("</p></div></body></html>");
        msg.Body = new MultipartAlternative
        {
            new TextPart("plain") { Text = text.ToString() },
            new TextPart("html") { Text = html.ToString() },
        };
        return msg;
    }

    /// <summary>"12 more notifications were held back by the hourly e-mail limit (8 anomaly, 4 device_offline)…", or null.</summary>
    public static string? SummaryLine(IReadOnlyDictionary<string, int> heldBack)
    {
        var total = heldBack.Values.Sum();
        if (total == 0) return null;
        var parts = string.Join(", ", heldBack.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => $"{kv.Value} {kv.Key}"));
        return $"{total} more notification{(total == 1 ? " was" : "s were")} held back by the hourly e-mail limit ({parts}). " +
               "See them in the notification bell.";
    }

    /// <summary>The subject: one entry → its headline (seed form); several → the worst severity and the count.</summary>
    public static string Subject(EmailBrand brand, IReadOnlyList<EmailEntry> entries, IReadOnlyDictionary<string, int> heldBack)
    {
        if (entries.Count == 1) return Headline(entries[0]);
        if (entries.Count == 0) return $"{heldBack.Values.Sum()} notifications held back for {brand.OrgName}";
        var worst = entries.MaxBy(e => Rank(e.Severity))!.Severity;
        var counts = string.Join(", ", entries.GroupBy(e => e.Severity).OrderByDescending(g => Rank(g.Key)).Select(g => $"{g.Count()} {g.Key}"));
        return $"{Icon(worst)}{Label(worst)}: {entries.Count} notifications for {brand.OrgName} ({counts})";
    }

    /// <summary>"⚠️ Warning: CO₂ on EC-CLM-GERMANY01" for an anomaly; "⚠️ Warning: {title}" otherwise.</summary>
    public static string Headline(EmailEntry e)
    {
        if (e.Kind == NotificationKinds.Anomaly && Anomaly.From(e.Data) is { } a && e.DeviceSerial is not null)
            return $"{Icon(e.Severity)}{Label(e.Severity)}: {FieldLabel(a.Field)} on {e.DeviceSerial}";
        return $"{Icon(e.Severity)}{Label(e.Severity)}: {e.Title}";
    }

    /// <summary>The detail lines: for an anomaly "CO₂ is 67% above baseline" and "current: 1840 ppm  ·  avg: 1103 ppm".</summary>
    public static IReadOnlyList<string> Lines(EmailEntry e)
    {
        var lines = new List<string>();
        if (e.Kind == NotificationKinds.Anomaly && Anomaly.From(e.Data) is { } a)
        {
            var label = FieldLabel(a.Field);
            var unit = Unit(a.Field);
            if (a.DeviationPct is { } d)
                lines.Add($"{label} is {Num(Math.Abs(d), 0)}% {(d < 0 ? "below" : "above")} baseline");
            var current = a.Value is { } v ? $"current: {Num(v, 2)}{unit}" : null;
            var avg = a.Baseline is { } b ? $"avg: {Num(b, 2)}{unit}" : null;
            if (current is not null || avg is not null) lines.Add(string.Join("  ·  ", new[] { current, avg }.Where(x => x is not null)));
            if (a.Detector is { } det && det != "rolling_mean") lines.Add($"detector: {det}");
        }
        else if (!string.IsNullOrWhiteSpace(e.Body)) lines.Add(e.Body);
        return lines;
    }

    /// <summary>Human names of the seed's monitored fields (temp, hum, co2, bat); others are shown as named.</summary>
    public static string FieldLabel(string field) => field switch
    {
        "temp" => "Temperature",
        "hum" => "Humidity",
        "co2" => "CO₂",
        "bat" => "Battery",
        _ => field,
    };

    private static string Unit(string field) => field switch
    {
        "temp" => "°C",
        "hum" => "%",
        "co2" => " ppm",
        "bat" => " V",
        _ => "",
    };

    private static string Icon(string severity) => severity switch
    {
        "critical" => "🔴 ",
        "warning" => "⚠️ ",
        _ => "ℹ️ ",
    };

    private static string Label(string severity) => severity switch
    {
        "critical" => "Critical",
        "warning" => "Warning",
        _ => "Info",
    };

    private static int Rank(string severity) => severity switch { "critical" => 2, "warning" => 1, _ => 0 };

    private static string Num(double v, int decimals) =>
        Math.Round(v, decimals).ToString(decimals == 0 ? "0" : "0.##", Inv);

    private static string Stamp(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", Inv);

    private static string H(string s) => WebUtility.HtmlEncode(s);

    /// <summary>The org's colour if it is a plain hex colour (it goes into a style attribute), else <see cref="DefaultColor"/>.</summary>
    public static string SafeColor(string? color) => color is not null && HexColor().IsMatch(color) ? color : DefaultColor;

    [GeneratedRegex("^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")]
    private static partial Regex HexColor();

    /// <summary>The anomaly fields of a notification's data (the anomaly feature's contract).</summary>
    private sealed record Anomaly(string Field, double? Value, double? Baseline, double? DeviationPct, string? Detector)
    {
        public static Anomaly? From(string? json)
        {
            if (json is null) return null;
            try
            {
                using var doc = JsonDocument.Parse(json);
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("field", out var f) || f.ValueKind != JsonValueKind.String)
                    return null;
                return new Anomaly(f.GetString()!, Number(root, "value"), Number(root, "baseline"), Number(root, "deviation_pct"),
                    root.TryGetProperty("detector", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static double? Number(JsonElement root, string name) =>
            root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
    }
}
