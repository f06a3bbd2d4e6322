namespace EdgeConductor.Web.Session;

/// <summary>
/// Names of the console's cookie session: the authentication scheme, the cookie and the claims it carries. The cookie is
/// an ASP.NET cookie-authentication ticket, encrypted and signed with Data Protection (keys in EC_DATA_DIR), HttpOnly,
/// SameSite=Lax, Secure when the request is HTTPS. It holds the user's API access and refresh tokens (docs/web.md).
/// </summary>
public static class ConsoleAuth
{
    /// <summary>The cookie authentication scheme of the console (the API keeps its own bearer scheme).</summary>
    public const string Scheme = "EcConsole";

    /// <summary>The session cookie's name.</summary>
    public const string CookieName = "ec_console";

    /// <summary>Claim: the API access token (JWT) of the signed-in user.</summary>
    public const string AccessTokenClaim = "ec:access_token";

    /// <summary>Claim: the API refresh token (rotated on every refresh).</summary>
    public const string RefreshTokenClaim = "ec:refresh_token";

    /// <summary>Claim: when the access token expires, Unix milliseconds.</summary>
    public const string AccessExpiresClaim = "ec:access_expires";

    /// <summary>Claim: a random id of this sign-in, shared by the cookie and every circuit of it.</summary>
    public const string SessionIdClaim = "ec:session";

    /// <summary>Claims copied from the API user: e-mail, org, partner, room.</summary>
    public const string EmailClaim = "ec:email";

    /// <inheritdoc cref="EmailClaim"/>
    public const string OrgIdClaim = "ec:org_id";

    /// <inheritdoc cref="EmailClaim"/>
    public const string PartnerIdClaim = "ec:partner_id";

    /// <inheritdoc cref="EmailClaim"/>
    public const string RoomIdClaim = "ec:room_id";

    /// <summary>Claim: the user's id.</summary>
    public const string UserIdClaim = "ec:user_id";

    /// <summary>The sign-in page.</summary>
    public const string LoginPath = "/login";

    /// <summary>The page a signed-in user sees when a page belongs to another role.</summary>
    public const string NotAllowedPath = "/not-allowed";
}
