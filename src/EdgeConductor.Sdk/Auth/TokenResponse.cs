namespace EdgeConductor.Sdk.Auth;

/// <summary>The answer to <see cref="AuthClient.LoginAsync"/>.</summary>
/// <param name="AccessToken">A JWT to use as <see cref="EdgeConductorOptions.ApiKey"/>; short-lived.</param>
/// <param name="RefreshToken">Trade it for a new pair at <c>POST /auth/refresh</c>.</param>
/// <param name="TokenType">Always <c>Bearer</c>.</param>
/// <param name="ExpiresIn">Lifetime of the access token in seconds.</param>
/// <param name="User">The user logged in.</param>
public sealed record TokenResponse(string AccessToken, string RefreshToken, string TokenType, int ExpiresIn, User User);
