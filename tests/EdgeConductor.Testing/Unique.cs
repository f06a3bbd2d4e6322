namespace EdgeConductor.Testing;

/// <summary>Names that never collide between tests sharing a server.</summary>
public static class Unique
{
    private static long _n = DateTime.UtcNow.Ticks % 1_000_000;

    private static long Next() => Interlocked.Increment(ref _n);

    public static string Serial(string prefix = "EC-TEST") => $"{prefix}-{Next():D7}";

    public static string Slug(string prefix = "org") => $"{prefix}-{Next()}";

    public static string Email(string prefix = "user") => $"{prefix}-{Next()}@example.test";

    public static string Name(string prefix = "Org") => $"{prefix} {Next()}";
}
