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

    /// <summary>
    /// Free failed logins per (account, source IP) in <see cref="LoginFailureWindow"/> (EC_MAX_FAILED_LOGINS); each further
    /// attempt from that IP for that account waits 2^k seconds (429 with Retry-After). One IP may fail 4 × this many times
    /// across all accounts before it is refused for the window. See <see cref="Auth.LoginThrottle"/>.
    /// </summary>
    public int MaxFailedLogins { get; set; } = 5;

    /// <summary>The longest wait the growing login delay reaches (EC_LOGIN_MAX_DELAY, seconds; default 900 = 15 min).</summary>
    public TimeSpan LoginMaxDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a failed login counts.</summary>
    public TimeSpan LoginFailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The JWT signing key, base64 of at least 32 bytes (EC_JWT_KEY). When unset, <see cref="JwtKeyFile"/> or else
    /// <c>{EC_DATA_DIR}/keys/jwt.key</c> (created 0600 on first start) is used. Never stored in the database.
    /// </summary>
    public string? JwtKey { get; set; }

    /// <summary>A file holding the base64 JWT signing key (EC_JWT_KEY_FILE), e.g. a mounted secret.</summary>
    public string? JwtKeyFile { get; set; }

    /// <summary>
    /// Retired signing keys that still verify (not sign) tokens, base64, comma-separated (EC_JWT_PREVIOUS_KEYS); remove them
    /// once the access-token lifetime has passed after a rotation. Files <c>keys/jwt-*.key</c> in the data folder count too.
    /// </summary>
    public IReadOnlyList<string> JwtPreviousKeys { get; set; } = [];

    /// <summary>
    /// Browser origins allowed to call the API cross-origin (EC_CORS_ORIGINS, comma-separated <c>scheme://host[:port]</c>,
    /// or <c>*</c> alone); empty = no CORS headers. See <see cref="Cors.CorsSetup"/>.
    /// </summary>
    public IReadOnlyList<string> CorsOrigins { get; set; } = [];

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
        o.JwtKey = NonEmpty(config["EC_JWT_KEY"]);
        o.JwtKeyFile = NonEmpty(config["EC_JWT_KEY_FILE"]);
        o.JwtPreviousKeys = (config["EC_JWT_PREVIOUS_KEYS"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (int.TryParse(config["EC_MAX_FAILED_LOGINS"], out var fl)) o.MaxFailedLogins = Math.Max(1, fl);
        if (int.TryParse(config["EC_LOGIN_MAX_DELAY"], out var md) && md > 0) o.LoginMaxDelay = TimeSpan.FromSeconds(md);
        o.CorsOrigins = Cors.CorsOrigins.Parse(config["EC_CORS_ORIGINS"]);
        return o;
    }

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
