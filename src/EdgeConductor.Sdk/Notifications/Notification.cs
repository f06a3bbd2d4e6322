namespace EdgeConductor.Sdk.Notifications;

/// <summary>An in-app notification of an org (device offline or back online, anomalies, firmware updates…).</summary>
/// <param name="Id">The notification's id.</param>
/// <param name="OrgId">The org it belongs to.</param>
/// <param name="Kind">What happened, e.g. <c>device_offline</c>.</param>
/// <param name="Severity">info, warning or critical.</param>
/// <param name="Title">One-line summary.</param>
/// <param name="Body">More detail, if any.</param>
/// <param name="DeviceSerial">The device concerned, if any.</param>
/// <param name="CreatedAt">When it was raised.</param>
/// <param name="ReadAt">When the caller marked it read (read state is per user; an API key reads its org's bell); null while unread.</param>
/// <param name="Data">The kind's details, if any (anomaly: anomaly_id, field, value, baseline, deviation_pct, severity, detector).</param>
public sealed record Notification(string Id, string OrgId, string Kind, string Severity, string Title, string? Body, string? DeviceSerial,
    DateTimeOffset CreatedAt, DateTimeOffset? ReadAt, System.Text.Json.JsonElement? Data = null);
