namespace EdgeConductor.Sdk.Orgs;

/// <summary>An organization, with its white-label settings.</summary>
/// <param name="Id">The org's id.</param>
/// <param name="Name">Display name.</param>
/// <param name="Slug">URL-safe short name.</param>
/// <param name="PartnerId">The partner the org belongs to, if any.</param>
/// <param name="Plan">starter, pro, business or enterprise.</param>
/// <param name="Product">The main product type of the org, if set.</param>
/// <param name="LogoUrl">White-label logo.</param>
/// <param name="PrimaryColor">White-label color, e.g. <c>#0f766e</c>.</param>
/// <param name="CustomDomain">White-label domain.</param>
/// <param name="TelemetryRetentionDays">How long telemetry is kept.</param>
/// <param name="CreatedAt">When the org was created.</param>
/// <param name="UpdatedAt">When the org last changed.</param>
/// <param name="Timezone">The org's IANA time zone (default UTC).</param>
public sealed record Org(
    string Id, string Name, string Slug, string? PartnerId, string Plan, string? Product,
    string? LogoUrl, string? PrimaryColor, string? CustomDomain, int TelemetryRetentionDays,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string Timezone = "UTC");
