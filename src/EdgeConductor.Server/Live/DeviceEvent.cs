namespace EdgeConductor.Server.Live;

/// <summary>One live event for the SSE streams: <see cref="Type"/> is "telemetry" or "shadow"; <see cref="Data"/> is its JSON.</summary>
public sealed record DeviceEvent(string Type, string Serial, string? OrgId, string Data);
