using EdgeConductor.Sdk.Http;

namespace EdgeConductor.Sdk.Auth;

/// <summary>Credentials: <c>client.Auth</c>.</summary>
public sealed class AuthClient
{
    private readonly ApiTransport _api;

    internal AuthClient(ApiTransport api) => _api = api;

    private sealed record LoginBody(string Email, string Password);

    private sealed record RefreshBody(string RefreshToken);

    /// <summary>Who the configured credential belongs to; 401 if it is missing, invalid or revoked.</summary>
    public Task<Identity> MeAsync(CancellationToken cancellationToken = default) =>
        _api.SendAsync<Identity>(HttpMethod.Get, "auth/me", null, true, cancellationToken);

    /// <summary>Logs a user in with e-mail and password and returns an access/refresh token pair.</summary>
    public Task<TokenResponse> LoginAsync(string email, string password, CancellationToken cancellationToken = default) =>
        _api.SendAsync<TokenResponse>(HttpMethod.Post, "auth/login", new LoginBody(email, password), false, cancellationToken);

    /// <summary>Ends a user session: the refresh token stops working. Needs the session's access token as the credential.</summary>
    public async Task LogoutAsync(string refreshToken, CancellationToken cancellationToken = default)
    {
        using var response = await _api.SendRawAsync(HttpMethod.Post, "auth/logout", new RefreshBody(refreshToken), false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Trades a refresh token for a new token pair (the old refresh token stops working).</summary>
    public Task<TokenResponse> RefreshAsync(string refreshToken, CancellationToken cancellationToken = default) =>
        _api.SendAsync<TokenResponse>(HttpMethod.Post, "auth/refresh", new RefreshBody(refreshToken), false, cancellationToken);
}
