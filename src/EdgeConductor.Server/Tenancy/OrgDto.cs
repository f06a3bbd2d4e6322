using EdgeConductor.Server.Common;

namespace EdgeConductor.Server.Tenancy;

public sealed record OrgDto(
    string Id, string Name, string Slug, string? PartnerId, string Plan, string? Product,
    string? LogoUrl, string? PrimaryColor, string? CustomDomain, int TelemetryRetentionDays,
    DateTime CreatedAt, DateTime UpdatedAt, string Timezone = "UTC")
{
    public static OrgDto From(OrgRecord o) => new(o.Id, o.Name, o.Slug, o.PartnerId, o.Plan, o.Product, o.LogoUrl, o.PrimaryColor,
        o.CustomDomain, o.TelemetryRetentionDays, Times.ToUtc(o.CreatedAt), Times.ToUtc(o.UpdatedAt), o.Timezone);
}
