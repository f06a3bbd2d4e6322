namespace EdgeConductor.Server.Common;

public static class Ids
{
    /// <summary>A new time-ordered id (UUIDv7), so inserts stay index-friendly.</summary>
    public static string New() => Guid.CreateVersion7().ToString();
}
