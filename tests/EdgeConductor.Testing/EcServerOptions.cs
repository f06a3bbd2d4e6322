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

    /// <summary>EC_DEVICE_RATE_LIMIT: requests per minute per device credential; unlimited for tests unless one sets it.</summary>
    public int DeviceRequestsPerMinute { get; init; } = 1_000_000;

    /// <summary>EC_MAX_FAILED_LOGINS.</summary>
    public int MaxFailedLogins { get; init; } = 5;

    /// <summary>Any further configuration (EC_MQTT_PORT, …), passed with UseSetting.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// EC_DATA_DIR to use instead of a fresh temp folder (e.g. to restart a server on the data of a previous one). A folder
    /// given here is left in place when the server is disposed.
    /// </summary>
    public string? DataDir { get; init; }

    /// <summary>EC_DATABASE to use instead of a fresh PostgreSQL database (with <see cref="Database"/> = Postgres); kept on dispose.</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>A hint for the PostgreSQL database name (e.g. the test class).</summary>
    public string? Name { get; init; }
}
