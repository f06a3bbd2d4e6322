using System.Globalization;

namespace EdgeConductor.Server.Anomalies;

/// <summary>
/// The words of an anomaly notification, as in seed 001's examples: title "Warning: CO₂ on EC-CLM-GERMANY01", body
/// "CO₂ is 67% above baseline" and "current: 1840 ppm · avg: 1103 ppm".
/// </summary>
public static class AnomalyMessages
{
    private static readonly Dictionary<string, (string Name, string Unit)> Known = new()
    {
        ["temp"] = ("Temperature", "°C"),
        ["hum"] = ("Humidity", "%"),
        ["co2"] = ("CO₂", "ppm"),
        ["bat"] = ("Battery", "V"),
    };

    /// <summary>Display name of a field (the field itself when not one of the seed's four).</summary>
    public static string Name(string field) => Known.TryGetValue(field, out var k) ? k.Name : field;

    /// <summary>Notification title: "Critical: Temperature on EC-CLM-ROOM02".</summary>
    public static string Title(AnomalyDto a) =>
        $"{(a.Severity == AnomalyRules.Critical ? "Critical" : "Warning")}: {Name(a.Field)} on {a.Serial}";

    /// <summary>Notification body: what moved, by how much, current value and baseline average.</summary>
    public static string Body(AnomalyDto a)
    {
        var unit = Known.TryGetValue(a.Field, out var k) ? " " + k.Unit : "";
        var first = a.Detector == AnomalyRules.Detectors.Floor
            ? $"{Name(a.Field)} is below its floor"
            : $"{Name(a.Field)} is {Math.Abs(a.DeviationPct).ToString("0", CultureInfo.InvariantCulture)}% {(a.DeviationPct >= 0 ? "above" : "below")} baseline";
        return $"{first}\ncurrent: {Num(a.Value)}{unit} · avg: {Num(a.Baseline)}{unit}";
    }

    private static string Num(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
}
