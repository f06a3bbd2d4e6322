namespace EdgeConductor.Web;

/// <summary>Settings of the web console, given by the hosting server to <see cref="EdgeConductorConsoleExtensions.AddEdgeConductorConsole"/>.</summary>
public sealed class ConsoleOptions
{
    /// <summary>
    /// The data directory (EC_DATA_DIR): Data Protection keys are kept in its <c>console-keys</c> folder, so a restart
    /// keeps every signed-in session. Null keeps keys in memory (sessions end with the process).
    /// </summary>
    public string? DataDir { get; set; }

    /// <summary>
    /// The API base URL the console calls (EC_CONSOLE_API_URL), e.g. <c>http://127.0.0.1:8080/api/v1</c>. Null: the
    /// server's own first listening address, with a wildcard host (0.0.0.0, [::], +, *) replaced by loopback.
    /// </summary>
    public Uri? ApiBaseUrl { get; set; }

    /// <summary>The product name shown when no org branding applies. Default "EdgeConductor".</summary>
    public string ProductName { get; set; } = "EdgeConductor";

    /// <summary>
    /// How long before the access token expires the session refreshes it (cookie requests and circuits). Default 2 minutes.
    /// </summary>
    public TimeSpan RefreshBefore { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest a console session lives without use (cookie lifetime, sliding). Default 30 days, the API's refresh-token lifetime.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(30);
}
