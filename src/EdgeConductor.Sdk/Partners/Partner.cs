namespace EdgeConductor.Sdk.Partners;

/// <summary>A partner (system integrator or OEM) that manages customer orgs (seed 001 "Partner Portal").</summary>
/// <param name="Id">The partner's id.</param>
/// <param name="Name">Display name.</param>
/// <param name="Slug">URL-safe short name.</param>
/// <param name="ContactEmail">Contact e-mail, if given.</param>
/// <param name="Plan">The partner's plan.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record Partner(string Id, string Name, string Slug, string? ContactEmail, string Plan, DateTimeOffset CreatedAt);

/// <summary>Aggregate stats across a partner's customer orgs (<c>GET /partners/:id/stats</c>).</summary>
/// <param name="Orgs">Number of customer orgs.</param>
/// <param name="TotalDevices">Devices in them.</param>
/// <param name="OnlineDevices">Devices seen in the last 5 minutes.</param>
/// <param name="ActiveDevices">Devices seen in the last 24 hours.</param>
public sealed record PartnerStats(int Orgs, long TotalDevices, long OnlineDevices, long ActiveDevices);
