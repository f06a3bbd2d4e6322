namespace EdgeConductor.Server.Tenancy;

/// <summary>A row of <c>orgs</c>.</summary>
public sealed class OrgRecord
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Slug { get; set; } = "";
    public string? PartnerId { get; set; }
    public string Plan { get; set; } = Plans.Starter;
    public string? Product { get; set; }
    public string? LogoUrl { get; set; }
    public string? PrimaryColor { get; set; }
    public string? CustomDomain { get; set; }
    public int TelemetryRetentionDays { get; set; } = 7;
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
    /// <summary>IANA time zone (e.g. Europe/Berlin) schedule rules run in; default UTC.</summary>
    public string Timezone { get; set; } = "UTC";
}
