namespace EdgeConductor.Server.Gateway;

/// <summary>The outcome of one device message: accepted (committed), or rejected whole with a reason.</summary>
/// <param name="Ts">The newest reading time of the message (Unix ms).</param>
/// <param name="Readings">How many readings the message carried (1, or the length of a buffered array).</param>
/// <param name="Duplicates">How many of them were re-sent duplicates of stored readings (same device, ts and content), not stored again.</param>
public readonly record struct IngestResult(bool Accepted, string? Error, long Ts = 0, int Readings = 0, int Duplicates = 0)
{
    /// <summary>Stored; <paramref name="ts"/> is the reading time recorded (Unix ms).</summary>
    public static IngestResult Ok(long ts) => new(true, null, ts, 1);
    public static IngestResult Rejected(string error) => new(false, error);
}
