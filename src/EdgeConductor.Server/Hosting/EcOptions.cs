namespace EdgeConductor.Server.Hosting;

/// <summary>Settings read from configuration (environment variables use the same names).</summary>
public sealed class EcOptions
{
    /// <summary>Folder for the SQLite database, keys and generated certificates (EC_DATA_DIR).</summary>
    public string DataDir { get; set; } = "./data";

    /// <summary>Empty = SQLite in DataDir; a PostgreSQL connection string selects PostgreSQL (EC_DATABASE).</summary>
    public string Database { get; set; } = "";

    /// <summary>
    /// SQLite's <c>synchronous</c> setting (EC_SQLITE_SYNCHRONOUS): <c>full</c> (default) fsyncs every commit, so an
    /// acknowledged write survives a power cut; <c>normal</c> (WAL mode) fsyncs only at checkpoints: it survives a crash
    /// or kill of the server but may lose the last commits on an OS crash or power cut, for several times the ingest rate.
    /// </summary>
    public string SqliteSynchronous { get; set; } = "full";

    public string? AdminEmail { get; set; }
    public string? AdminPassword { get; set; }

    /// <summary>Requests per minute for unauthenticated callers, per IP.</summary>
    public int AnonymousRequestsPerMinute { get; set; } = 600;

    /// <summary>Requests per minute one device may make with its own credential (X-Device-Secret), EC_DEVICE_RATE_LIMIT.</summary>
    public int DeviceRequestsPerMinute { get; set; } = 300;

    /// <summary>Failed logins per e-mail address in <see cref="LoginFailureWindow"/> before 429.</summary>
    public int MaxFailedLoginsPerEmail { get; set; } = 5;
    public TimeSpan LoginFailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    public static EcOptions FromConfiguration(IConfiguration config)
    {
        var o = new EcOptions();
        o.DataDir = NonEmpty(config["EC_DATA_DIR"]) ?? o.DataDir;
        o.Database = config["EC_DATABASE"] ?? "";
        o.SqliteSynchronous = NonEmpty(config["EC_SQLITE_SYNCHRONOUS"])?.ToLowerInvariant() switch
        {
            null or "full" => "full",
            "normal" => "normal",
            var other => throw new InvalidOperationException($"EC_SQLITE_SYNCHRONOUS must be 'full' or 'normal', not '{other}'."),
        };
        o.AdminEmail = NonEmpty(config["EC_ADMIN_EMAIL"]);
        o.AdminPassword = NonEmpty(config["EC_ADMIN_PASSWORD"]);
        if (int.TryParse(config["EC_ANON_RATE_LIMIT"], out var anon)) o.AnonymousRequestsPerMinute = anon;
        if (int.TryParse(config["EC_DEVICE_RATE_LIMIT"], out var dev)) o.DeviceRequestsPerMinute = dev;
        if (int.TryParse(config["EC_MAX_FAILED_LOGINS"], out var fl)) o.MaxFailedLoginsPerEmail = fl;
        return o;
    }

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
