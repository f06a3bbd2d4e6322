namespace EdgeConductor.Web.Session;

/// <summary>An API access token, its expiry (Unix ms) and the refresh token that renews it.</summary>
public sealed record TokenPair(string AccessToken, string RefreshToken, long AccessExpiresMs);
