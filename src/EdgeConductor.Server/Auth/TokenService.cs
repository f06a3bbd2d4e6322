using EdgeConductor.Server.Hosting;
using EdgeConductor.Server.Storage;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EdgeConductor.Server.Auth;

/// <summary>
/// Issues and validates the 15-minute JWT access tokens (HS256). The keys come from <see cref="JwtKeyRing"/> (configuration or
/// a 0600 file in the data folder, never the database): the current key signs, retired keys still verify.
/// </summary>
public sealed class TokenService(SettingsStore settings, Database db, EcOptions options, TimeProvider clock, ILogger<TokenService> log)
{
    public const string Issuer = "edgeconductor";
    public const string Audience = "edgeconductor-api";
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private JwtKeyRing? _keys;

    public TimeSpan AccessTokenLifetime => options.AccessTokenLifetime;

    public async Task InitializeAsync(CancellationToken ct)
    {
        _keys = await JwtKeyRing.LoadAsync(options, settings, ct);
        log.LogInformation("JWT signing key {Kid} from {Source}; {Retired} retired key(s) still verify",
            _keys.Current.KeyId, _keys.Source, _keys.Verifying.Count - 1);
        if (_keys.MovedFromDatabase)
            log.LogWarning("Moved the JWT signing key out of the database into {File}. Instances that share this database must share "
                + "this key: copy the file to each, or set EC_JWT_KEY / EC_JWT_KEY_FILE on all of them", _keys.Source);
        if (db.Engine == DbEngine.Postgres && options.JwtKey is null && options.JwtKeyFile is null)
            log.LogWarning("PostgreSQL without EC_JWT_KEY or EC_JWT_KEY_FILE: this instance signs with its own key file; tokens it "
                + "issues are not accepted by other instances unless they share that key");
    }

    private JwtKeyRing Keys => _keys ?? throw new InvalidOperationException("TokenService is not initialized.");

    public string CreateAccessToken(Caller user)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>
        {
            [Caller.ClaimNames.Subject] = user.Id,
            [Caller.ClaimNames.Role] = user.Role,
            [Caller.ClaimNames.Kind] = Caller.UserKind,
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (user.OrgId is not null) claims[Caller.ClaimNames.OrgId] = user.OrgId;
        if (user.PartnerId is not null) claims[Caller.ClaimNames.PartnerId] = user.PartnerId;
        if (user.RoomId is not null) claims[Caller.ClaimNames.RoomId] = user.RoomId;
        if (user.Email is not null) claims[Caller.ClaimNames.Email] = user.Email;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + options.AccessTokenLifetime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(Keys.Current, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>The caller the token names, or null if it is malformed, forged or expired.</summary>
    public async Task<Caller?> ValidateAsync(string token)
    {
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKeys = Keys.Verifying,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateLifetime = true,
            LifetimeValidator = (notBefore, expires, _, _) =>
            {
                var now = clock.GetUtcNow().UtcDateTime;
                return expires is { } e && e > now && (notBefore is not { } nb || nb <= now.AddSeconds(30));
            },
            NameClaimType = Caller.ClaimNames.Subject,
            RoleClaimType = Caller.ClaimNames.Role,
        });
        if (!result.IsValid) return null;
        var c = result.Claims;
        string? S(string k) => c.TryGetValue(k, out var v) ? v?.ToString() : null;
        var sub = S(Caller.ClaimNames.Subject);
        var role = S(Caller.ClaimNames.Role);
        if (sub is null || role is null) return null;
        return new Caller(Caller.UserKind, sub, role, S(Caller.ClaimNames.OrgId), S(Caller.ClaimNames.PartnerId),
            S(Caller.ClaimNames.RoomId), S(Caller.ClaimNames.Email));
    }
}
