namespace EdgeConductor.Testing;

/// <summary>How <see cref="EcServerFactory"/> configures the server under test.</summary>
public sealed record EcServerOptions
{
    public TestDatabase Database { get; init; } = TestDatabase.Sqlite;

    /// <summary>Replace the server's <see cref="TimeProvider"/> with a <see cref="ManualTimeProvider"/> (default on).</summary>
    public bool FakeClock { get; init; } = true;

    public string AdminEmail { get; init; } = EcServerFactory.DefaultAdminEmail;
    public string AdminPassword { get; init; } = EcServerFactory.DefaultAdminPassword;

    /// <summary>EC_ANON_RATE_LIMIT: high by default so unauthenticated test traffic (logins) is never limited.</summary>
    public int AnonymousRequestsPerMinute { get; init; } = 1_000_000;

    /// <summary>EC_MAX_FAILED_LOGINS.</summary>
    public int MaxFailedLogins { get; init; } = 5;

    /// <summary>Any further configuration (EC_MQTT_PORT, …), passed with UseSetting.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>A hint for the PostgreSQL database name (e.g. the test class).</summary>
    public string? Name { get; init; }
}
