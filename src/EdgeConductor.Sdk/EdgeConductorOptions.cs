namespace EdgeConductor.Sdk;

/// <summary>Settings for <see cref="EdgeConductorClient"/>.</summary>
public sealed class EdgeConductorOptions
{
    /// <summary>The default base URL: a server on this machine.</summary>
    public static readonly Uri DefaultBaseUrl = new("http://localhost:8080/api/v1/");

    /// <summary>
    /// The credential sent as <c>Authorization: Bearer …</c>: an org API key (<c>ec_live_…</c>) or a JWT access token
    /// from <c>POST /auth/login</c>. Null sends no credential (only anonymous endpoints will answer).
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// When set, asked for the credential before every request instead of using <see cref="ApiKey"/>: for short-lived
    /// access tokens that the application refreshes (e.g. from a refresh token) while the client lives.
    /// </summary>
    public Func<CancellationToken, ValueTask<string?>>? ApiKeyProvider { get; set; }

    /// <summary>
    /// The API base URL, e.g. <c>http://host:8080/api/v1</c>. A URL with no path (<c>http://host:8080</c>) gets
    /// <c>/api/v1</c> appended. When null: the <see cref="HttpClient.BaseAddress"/> of a client passed in, else
    /// <see cref="DefaultBaseUrl"/>.
    /// </summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>How often a request answered with 429 or 503 is retried (idempotent requests only). Default 3; 0 disables retries.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first backoff delay when the server sends no Retry-After; it doubles on each retry. Default 500 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest the client waits before one retry, even if Retry-After asks for more. Default 60 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Called before each retry wait, e.g. to tell a user "rate limited, waiting 30 s". Must not throw.</summary>
    public Action<RetryInfo>? OnRetry { get; set; }

    /// <summary>Timeout of one HTTP request (not applied to the telemetry stream). Default 100 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>The clock used for backoff delays and stream polling; tests may substitute their own.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Sent as the User-Agent header.</summary>
    public string UserAgent { get; set; } = "EdgeConductor.Sdk/0.2";

    /// <summary>Returns <paramref name="url"/> as an API base: ending in a slash, with <c>/api/v1</c> added when it has no path.</summary>
    public static Uri NormalizeBaseUrl(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri) throw new ArgumentException("The base URL must be absolute, e.g. http://host:8080/api/v1.", nameof(url));
        var b = new UriBuilder(url) { Query = "", Fragment = "" };
        var path = b.Path.TrimEnd('/');
        if (path.Length == 0) path = "/api/v1";
        b.Path = path + "/";
        return b.Uri;
    }
}
