using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using EdgeConductor.Server.Hosting;

namespace EdgeConductor.Server.Ota;

/// <summary>
/// Download addresses: <see cref="PublicUrlOptions.BaseUrl"/> (EC_PUBLIC_URL) when set, else the first HTTP address the
/// server listens on (a wildcard host becomes the machine's host name; fine on a LAN, wrong behind a proxy).
/// </summary>
public sealed class OtaUrls(PublicUrlOptions publicUrl, IServiceProvider services, DownloadToken tokens)
{
    /// <summary>The download path of a release under the API root.</summary>
    public static string Path(string firmwareId) => $"/api/v1/firmware/{firmwareId}/download";

    /// <summary>The address shown as <c>pending_fw_url</c>: the release's download endpoint without a device token.</summary>
    public string Canonical(string firmwareId) => Base() + Path(firmwareId);

    /// <summary>The signed address one device downloads from (valid <see cref="OtaOptions.DownloadUrlLifetime"/>).</summary>
    public async Task<string> SignedAsync(string firmwareId, string serial, CancellationToken ct) =>
        Canonical(firmwareId) + "?" + await tokens.QueryAsync(firmwareId, serial, ct);

    private string Base()
    {
        if (publicUrl.BaseUrl is { } configured) return configured;
        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault(a => a.StartsWith("http", StringComparison.OrdinalIgnoreCase)) ?? "http://localhost:8080";
        foreach (var wildcard in (string[])["://+", "://*", "://[::]", "://0.0.0.0"])
            first = first.Replace(wildcard, "://" + Environment.MachineName);
        return first.TrimEnd('/');
    }
}
