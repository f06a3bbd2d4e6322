namespace EdgeConductor.Server.Rules;

/// <summary>
/// A row of <c>rule_device_state</c>: where one device stands in one threshold rule's state machine
/// <c>ok → (pending →) firing → ok</c>. No row means <c>ok</c> and never fired (<see cref="Version"/> 0).
/// <see cref="Version"/> is the compare-and-set token: a transition is written only if the row is still at the version
/// the evaluator read, so two server instances never both take it.
/// </summary>
public sealed class RuleDeviceState
{
    public const string Ok = "ok";
    public const string Pending = "pending";
    public const string Firing = "firing";

    public string RuleId { get; set; } = "";
    public string DeviceId { get; set; } = "";
    public string SerialNo { get; set; } = "";
    public string State { get; set; } = Ok;
    /// <summary>When the current state began (Unix ms, server clock).</summary>
    public long Since { get; set; }
    /// <summary>Pending only: when for_seconds will have passed (Unix ms).</summary>
    public long? DueAt { get; set; }
    public double? LastValue { get; set; }
    public long? LastFired { get; set; }
    /// <summary>Fires the loop guard held back.</summary>
    public long Suppressed { get; set; }
    public long Version { get; set; }
    public long UpdatedAt { get; set; }

    public RuleDeviceState Copy() => (RuleDeviceState)MemberwiseClone();
}
