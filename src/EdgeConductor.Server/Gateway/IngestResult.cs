namespace EdgeConductor.Server.Gateway;

/// <summary>The outcome of one device message: accepted (committed), or rejected whole with a reason.</summary>
public readonly record struct IngestResult(bool Accepted, string? Error, long Ts = 0)
{
    /// <summary>Stored; <paramref name="ts"/> is the reading time recorded (Unix ms).</summary>
    public static IngestResult Ok(long ts) => new(true, null, ts);
    public static IngestResult Rejected(string error) => new(false, error);
}
