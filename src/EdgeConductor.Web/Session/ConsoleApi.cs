using EdgeConductor.Sdk;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace EdgeConductor.Web.Session;

/// <summary>
/// The console's only way to data: an <see cref="EdgeConductorClient"/> (the .NET SDK) per Blazor circuit (scoped),
/// calling the server's own REST API with the signed-in user's bearer token. The token comes from the session cookie and
/// is refreshed here when it nears expiry; when the API refuses the refresh the user is sent to the sign-in page with
/// "Your session has expired". Tenant isolation stays in one place: the API.
/// </summary>
public sealed class ConsoleApi(AuthenticationStateProvider auth, ConsoleHttp http, ConsoleSession session, NavigationManager nav) : IDisposable
{
    private EdgeConductorClient? _client;
    private ConsoleUser? _user;

    /// <summary>The signed-in user (from the session cookie).</summary>
    /// <exception cref="InvalidOperationException">Nobody is signed in.</exception>
    public async Task<ConsoleUser> UserAsync()
    {
        if (_user is not null) return _user;
        var state = await auth.GetAuthenticationStateAsync();
        return _user = ConsoleUser.From(state.User) ?? throw new InvalidOperationException("No console user is signed in.");
    }

    /// <summary>The SDK client of the signed-in user.</summary>
    public async Task<EdgeConductorClient> ClientAsync()
    {
        if (_client is not null) return _client;
        var user = await UserAsync();
        return _client = http.Create(async ct =>
        {
            var pair = await session.CurrentAsync(user.SessionId, user.Tokens, ct);
            if (pair is null)
            {
                SessionExpired();
                throw new EdgeConductorApiException(401, "UNAUTHORIZED", "Session expired", "Your session has expired.",
                    new Dictionary<string, string[]>(), null, null);
            }
            return pair.AccessToken;
        });
    }

    /// <summary>Sends the browser to the sign-in page with the "session expired" message.</summary>
    public void SessionExpired()
    {
        try
        {
            nav.NavigateTo(ConsoleAuth.LoginPath + "?expired=1", forceLoad: true);
        }
        catch (InvalidOperationException)
        {
            // not attached to a page (yet): the next request will redirect
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client?.Dispose();
}
