using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace EdgeConductor.Web.Session;

/// <summary>
/// The API base URL the console calls: <see cref="ConsoleOptions.ApiBaseUrl"/>, else the server's own first listening
/// address (http preferred) with a wildcard host replaced by loopback, plus <c>/api/v1/</c>.
/// </summary>
public sealed class ApiEndpoint(ConsoleOptions options, IServer server)
{
    private Uri? _resolved;

    /// <summary>The API base URL, ending in <c>/api/v1/</c>.</summary>
    /// <exception cref="InvalidOperationException">The server has no listening address yet and none is configured.</exception>
    public Uri BaseUrl => _resolved ??= Resolve();

    private Uri Resolve()
    {
        if (options.ApiBaseUrl is not null) return EdgeConductor.Sdk.EdgeConductorOptions.NormalizeBaseUrl(options.ApiBaseUrl);
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var chosen = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The server has no listening address; set EC_CONSOLE_API_URL.");
        return EdgeConductor.Sdk.EdgeConductorOptions.NormalizeBaseUrl(new Uri(Loopback(chosen)));
    }

    /// <summary>Replaces a wildcard host of a listening address (http://0.0.0.0:8080, http://+:80, http://[::]:8080) by 127.0.0.1.</summary>
    internal static string Loopback(string address)
    {
        var scheme = address.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0) return address;
        var rest = address[(scheme + 3)..];
        string host;
        string tail;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']');
            host = rest[..(close + 1)];
            tail = rest[(close + 1)..];
        }
        else
        {
            var colon = rest.IndexOfAny([':', '/']);
            host = colon < 0 ? rest : rest[..colon];
            tail = colon < 0 ? "" : rest[colon..];
        }
        if (host is "0.0.0.0" or "[::]" or "+" or "*" or "localhost") host = "127.0.0.1";
        return address[..(scheme + 3)] + host + tail;
    }
}
