namespace EdgeConductor.Server.Rules;

/// <summary>A row of <c>rules</c>. condition, action, clear_action and scope are JSON text as <see cref="RuleParser"/> normalised them.</summary>
public sealed class RuleRecord
{
    public string Id { get; set; } = "";
    public string OrgId { get; set; } = "";
    public string Name { get; set; } = "";
    public string RuleType { get; set; } = "";
    public string Condition { get; set; } = "{}";
    public string Action { get; set; } = "{}";
    public string? ClearAction { get; set; }
    public string? Scope { get; set; }
    public string? WebhookUrl { get; set; }
    public string? WebhookPreset { get; set; }
    public long Notify { get; set; }
    public long Enabled { get; set; } = 1;
    public long? LastFired { get; set; }
    public long FireCount { get; set; }
    public string? LastError { get; set; }
    public long? LastErrorAt { get; set; }
    /// <summary>Schedule rules fire only for instants at or after this (Unix ms): creation, a schedule change, re-enabling.</summary>
    public long ScheduleSince { get; set; }
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
}
