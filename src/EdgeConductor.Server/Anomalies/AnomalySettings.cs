namespace EdgeConductor.Server.Anomalies;

/// <summary>
/// An org's anomaly settings (<c>GET/PATCH /orgs/:id/anomaly-settings</c>). <paramref name="Fields"/>: the monitored
/// fields (defaults: temp, hum, co2, bat — seed 001); <paramref name="RobustZscore"/> and <paramref name="RateOfChange"/>
/// turn on the extra detectors (seed 003), off by default.
/// </summary>
public sealed record AnomalySettings(IReadOnlyDictionary<string, FieldSettings> Fields, bool RobustZscore, bool RateOfChange)
{
    /// <summary>Fields monitored out of the box, with their documented minimum absolute change (docs/anomalies.md).</summary>
    public static readonly IReadOnlyDictionary<string, FieldSettings> DefaultFields = new Dictionary<string, FieldSettings>
    {
        ["temp"] = new(1.0),
        ["hum"] = new(3),
        ["co2"] = new(50),
        ["bat"] = new(0.1, Floor: 3.5),
    };

    /// <summary>What an org that never changed its settings gets.</summary>
    public static readonly AnomalySettings Default = new(DefaultFields, false, false);
}
