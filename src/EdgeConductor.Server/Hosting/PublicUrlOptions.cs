namespace EdgeConductor.Server.Hosting;

/// <summary>
/// The server's public base URL as devices and people reach it (EC_PUBLIC_URL, README configuration table), read once
/// at start and shared: OTA download URLs (<see cref="Ota.OtaUrls"/>) and the links to devices in notification e-mails.
/// </summary>
public sealed class PublicUrlOptions
{
    /// <summary>The setting's name.</summary>
    public const string Setting = "EC_PUBLIC_URL";

    /// <summary>
    /// An absolute http or https URL without a trailing '/', e.g. <c>https://iot.example.com</c> or
    /// <c>https://example.com/ec</c>; null when EC_PUBLIC_URL is unset or blank (OTA then uses the first listen address
    /// and e-mails carry no link).
    /// </summary>
    public string? BaseUrl { get; init; }

    /// <summary>Reads EC_PUBLIC_URL; throws <see cref="InvalidOperationException"/> naming it for a value that is not an
    /// absolute http(s) URL (or has a query or fragment), so the server fails at start instead of sending broken links.</summary>
    public static PublicUrlOptions FromConfiguration(IConfiguration config) => new() { BaseUrl = Parse(config[Setting]) };

    /// <summary>The normalised base URL of <paramref name="value"/> (trimmed, no trailing '/'), or null for none.</summary>
    public static string? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var trimmed = value.Trim();
        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(uri.Host) || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
            throw new InvalidOperationException(
                $"{Setting} must be an absolute http or https URL without query or fragment, e.g. https://iot.example.com, not '{trimmed}'.");
        return trimmed.TrimEnd('/');
    }
}
