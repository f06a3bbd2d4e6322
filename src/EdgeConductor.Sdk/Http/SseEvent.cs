namespace EdgeConductor.Sdk.Http;

/// <summary>One server-sent event: its type (<c>event:</c>, "message" when absent) and its data lines joined.</summary>
internal sealed record SseEvent(string Event, string Data);
