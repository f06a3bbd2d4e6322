using EdgeConductor.Sdk;

namespace EdgeConductor.Cli.Infrastructure;

/// <summary>
/// The access token of a user session (<c>ec login --email</c>), refreshed when it is about to expire — also in the
/// middle of a long command such as <c>ec telemetry watch</c> — and saved back to the config file.
/// </summary>
internal sealed class SessionTokens(CliContext ctx, CliConfig config, string url)
{
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private CliConfig _config = config;

    public string User => _config.Email ?? "user";

    public async ValueTask<string?> GetAsync(CancellationToken ct)
    {
        if (Fresh(_config) is { } token) return token;
        await _gate.WaitAsync(ct);
        try
        {
            if (Fresh(_config) is { } again) return again;
            // Another ec process may have refreshed already: its tokens are in the file (a refresh token works only once).
            if (CliConfig.Load(ctx.ConfigDirectory) is { RefreshToken: not null } saved && saved.RefreshToken != _config.RefreshToken)
            {
                _config = saved;
                if (Fresh(_config) is { } theirs) return theirs;
            }
            using var anonymous = ctx.CreateClient(null, url);
            try
            {
                var tokens = await anonymous.Auth.RefreshAsync(_config.RefreshToken!, ct);
                _config = _config with { AccessToken = tokens.AccessToken, RefreshToken = tokens.RefreshToken };
                _config.Save(ctx.ConfigDirectory);
                return tokens.AccessToken;
            }
            catch (EdgeConductorApiException ex) when (ex.Status == 401)
            {
                throw new NotLoggedInException($"Your session of {User} has ended ({ex.Detail}). Run 'ec login --email {User}' again.");
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private string? Fresh(CliConfig c) =>
        c.AccessToken is { } t && !Jwt.ExpiresBefore(t, ctx.Env.Time.GetUtcNow() + Margin) ? t : null;
}
