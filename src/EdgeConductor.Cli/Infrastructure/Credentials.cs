namespace EdgeConductor.Cli.Infrastructure;

/// <summary>The credential in force (an API key or a session's access token) and where it came from.</summary>
internal sealed record Credentials(string? ApiKey, string Url, string? KeySource, string UrlSource, string? SessionUser);
