using EdgeConductor.Sdk.Http;

namespace EdgeConductor.Sdk.ClaimLinks;

/// <summary>
/// QR room claim (seed 001 "Multi-Tenant"): org admins create one-time, expiring links bound to a room; a tenant redeems
/// one to get the room. <c>client.ClaimLinks</c>.
/// </summary>
public sealed class ClaimLinksClient
{
    private readonly ApiTransport _api;

    internal ClaimLinksClient(ApiTransport api) => _api = api;

    private sealed record CreateBody(int? ExpiresInMinutes);
    private sealed record ClaimBody(string RoomId, string Token);
    private sealed record RegisterBody(string RoomId, string Token, string Email, string Password);

    /// <summary>
    /// Creates a claim link for a room (org admins; 404 for a room outside the org; 429 past 60 links per 10 minutes per
    /// org). <paramref name="expiresIn"/>: 5 minutes to 30 days, default 72 hours.
    /// </summary>
    public Task<ClaimLink> CreateAsync(string orgId, string roomId, TimeSpan? expiresIn = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync<ClaimLink>(HttpMethod.Post, $"orgs/{ApiTransport.Segment(orgId)}/rooms/{ApiTransport.Segment(roomId)}/claim-links",
            new CreateBody(expiresIn is { } e ? (int)Math.Round(e.TotalMinutes) : null), false, cancellationToken);

    /// <summary>Whether a link is valid, used or expired, with the org and room names (no credential needed; 404 for an unknown link).</summary>
    public Task<ClaimLinkCheck> CheckAsync(string roomId, string token, CancellationToken cancellationToken = default) =>
        _api.SendAsync<ClaimLinkCheck>(HttpMethod.Post, "room-claims/check", new ClaimBody(roomId, token), false, cancellationToken);

    /// <summary>
    /// The signed-in tenant claims the room (409 used, 410 expired, 403 for a user that is not a tenant of the room's org).
    /// The tenant's tokens issued before the claim stop working: refresh or sign in again.
    /// </summary>
    public Task<ClaimResult> ClaimAsync(string roomId, string token, CancellationToken cancellationToken = default) =>
        _api.SendAsync<ClaimResult>(HttpMethod.Post, "room-claims", new ClaimBody(roomId, token), false, cancellationToken);

    /// <summary>Registers a new tenant account in the room with the link (no credential needed; 409 used or e-mail taken, 410 expired).</summary>
    public Task<ClaimResult> RegisterAsync(string roomId, string token, string email, string password, CancellationToken cancellationToken = default) =>
        _api.SendAsync<ClaimResult>(HttpMethod.Post, "room-claims/register", new RegisterBody(roomId, token, email, password), false, cancellationToken);
}
