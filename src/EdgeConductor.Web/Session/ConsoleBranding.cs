using System.Collections.Concurrent;
using System.Net;
using EdgeConductor.Sdk;

namespace EdgeConductor.Web.Session;

/// <summary>What the console shows as its brand: product name, logo URL and primary colour (#rrggbb).</summary>
/// <param name="ProductName">The org's product name (its <c>product</c> setting), else the console's default.</param>
/// <param name="LogoUrl">The org's logo URL, or the default logo.</param>
/// <param name="PrimaryColor">The org's colour, or null for the default theme.</param>
public sealed record Brand(string ProductName, string LogoUrl, string? PrimaryColor);

/// <summary>
/// White-label per org (seed 001 "Partner Portal"): the brand of a signed-in user's org (read with the user's own token,
/// <c>GET /orgs/:id</c>) or of a custom domain (anonymous <c>GET /branding?host=</c>, for the sign-in page). Answers are
/// kept <see cref="CacheFor"/> so a page view costs no API call (and the anonymous lookups of all visitors, which reach
/// the API from loopback, stay far below its per-IP limit); saving the org's settings forgets its entry.
/// </summary>
public sealed class ConsoleBranding(ConsoleHttp http, ConsoleOptions options, TimeProvider clock, ILogger<ConsoleBranding> log)
{
    /// <summary>How long a brand is cached.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    /// <summary>The default logo (bundled).</summary>
    public const string DefaultLogo = "_content/EdgeConductor.Web/logo.svg";

    private readonly ConcurrentDictionary<string, (Brand? Brand, DateTimeOffset At)> _cache = new();

    /// <summary>The console's own brand.</summary>
    public Brand Default => new(options.ProductName, DefaultLogo, null);

    /// <summary>The brand of the org <paramref name="orgId"/>, read with <paramref name="client"/> (the user's); the default on any error.</summary>
    public async Task<Brand> ForOrgAsync(EdgeConductorClient client, string orgId, CancellationToken ct = default) =>
        await CachedAsync("org:" + orgId, async () =>
        {
            var org = await client.Orgs.GetAsync(orgId, ct);
            return Make(org.Product, org.LogoUrl, org.PrimaryColor);
        }) ?? Default;

    /// <summary>The brand of the org whose custom domain is <paramref name="host"/>; the default for IP addresses, localhost and unknown hosts.</summary>
    public async Task<Brand> ForHostAsync(string? host, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(host) || IPAddress.TryParse(host.Trim('[', ']'), out _) || host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || Uri.CheckHostName(host) != UriHostNameType.Dns)
            return Default;
        return await CachedAsync("host:" + host.ToLowerInvariant(), async () =>
        {
            var b = await http.Anonymous().Branding.ForHostAsync(host, ct);
            return b is null ? null : Make(b.Product, b.LogoUrl, b.PrimaryColor);
        }) ?? Default;
    }

    /// <summary>Forgets cached brands (after an org's settings change).</summary>
    public void Forget() => _cache.Clear();

    private Brand Make(string? product, string? logo, string? color) => new(product ?? options.ProductName, logo ?? DefaultLogo, color);

    private async Task<Brand?> CachedAsync(string key, Func<Task<Brand?>> load)
    {
        var now = clock.GetUtcNow();
        if (_cache.TryGetValue(key, out var hit) && now - hit.At < CacheFor) return hit.Brand;
        try
        {
            var brand = await load();
            _cache[key] = (brand, now);
            return brand;
        }
        catch (Exception e) when (e is EdgeConductorApiException or HttpRequestException or TaskCanceledException)
        {
            log.LogWarning("Branding lookup {Key} failed: {Message}", key, e.Message);
            return null;
        }
    }
}
