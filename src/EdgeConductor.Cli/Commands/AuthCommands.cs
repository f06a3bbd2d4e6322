using System.CommandLine;
using EdgeConductor.Cli.Infrastructure;
using EdgeConductor.Sdk;
using Spectre.Console;

namespace EdgeConductor.Cli.Commands;

/// <summary><c>ec login</c>, <c>ec whoami</c>, <c>ec logout</c>.</summary>
internal static class AuthCommands
{
    public static IEnumerable<Command> Create(CliCommands cli)
    {
        yield return Login(cli);
        yield return WhoAmI(cli);
        yield return Logout(cli);
    }

    private static Command Login(CliCommands cli)
    {
        var apiKey = new Option<string>("--api-key") { Description = "The API key (ec_live_…); prompted for when omitted" };
        var url = new Option<string>("--url") { Description = $"The registry URL, e.g. {CliContext.DefaultUrl}; prompted for when omitted" };
        var email = new Option<string>("--email") { Description = "Log in as a user (super admin, partner, org admin) instead of with an API key" };
        var password = new Option<string>("--password") { Description = "The user's password (prompted for when omitted; prefer the prompt)" };
        var cmd = new Command("login", "Save an API key (or a user session) and the registry URL to ~/.ec/config.json, checked against the server first")
        {
            apiKey, url, email, password,
        };
        cmd.Validators.Add(r =>
        {
            if (r.GetResult(apiKey) is not null && r.GetResult(email) is not null) r.AddError("Use either --api-key or --email, not both.");
            if (r.GetResult(password) is not null && r.GetResult(email) is null) r.AddError("--password needs --email.");
        });
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            var current = ctx.ResolveCredentials();
            var user = parse.GetValue(email);
            string? key = null, pass = null;
            if (user is null)
            {
                key = parse.GetValue(apiKey) ?? Prompt(ctx, "API key", secret: true, defaultValue: null);
                if (string.IsNullOrWhiteSpace(key)) throw new CliUsageException("An API key is required: pass --api-key or type it at the prompt.");
            }
            else
            {
                pass = parse.GetValue(password) ?? Prompt(ctx, "Password", secret: true, defaultValue: null);
                if (string.IsNullOrEmpty(pass)) throw new CliUsageException("A password is required: type it at the prompt (or pass --password).");
            }
            var flagsGiven = parse.GetResult(apiKey) is not null || (parse.GetResult(email) is not null && parse.GetResult(password) is not null);
            var address = parse.GetValue(url) ?? (flagsGiven ? current.Url : Prompt(ctx, "Registry URL", secret: false, defaultValue: current.Url));
            if (string.IsNullOrWhiteSpace(address)) address = current.Url;
            var baseUrl = CliContext.ParseUrl(address).ToString().TrimEnd('/');

            CliConfig config;
            if (user is null)
            {
                config = new CliConfig(key!.Trim(), baseUrl);
            }
            else
            {
                using var anonymous = ctx.CreateClient(null, baseUrl);
                var tokens = await anonymous.Auth.LoginAsync(user.Trim(), pass!, ct);
                config = new CliConfig(null, baseUrl) { Email = tokens.User.Email, AccessToken = tokens.AccessToken, RefreshToken = tokens.RefreshToken };
            }
            using var client = ctx.CreateClient(config.ApiKey ?? config.AccessToken, baseUrl);
            var me = await client.Auth.MeAsync(ct);
            config.Save(ctx.ConfigDirectory);

            if (ctx.Json)
            {
                ctx.WriteJson(new { url = baseUrl, config = ctx.ConfigPath, identity = me });
                return ExitCodes.Ok;
            }
            ctx.Success($"Logged in to [bold]{Markup.Escape(baseUrl)}[/] as {Describe(me)}");
            ctx.Info($"[grey]Saved to {Markup.Escape(ctx.ConfigPath)}[/]");
            if (ctx.Env.Variable("EC_API_KEY") is not null) ctx.Hint("Note: EC_API_KEY is set in the environment and takes precedence over the saved login.");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command WhoAmI(CliCommands cli)
    {
        var cmd = new Command("whoami", "Show the current login");
        cli.Handle(cmd, async (ctx, _, ct) =>
        {
            var creds = ctx.ResolveCredentials();
            using var client = ctx.CreateClient();
            var me = await client.Auth.MeAsync(ct);
            if (ctx.Json)
            {
                ctx.WriteJson(new { url = client.BaseUrl.ToString().TrimEnd('/'), credential_source = creds.KeySource, identity = me });
                return ExitCodes.Ok;
            }
            var table = new Table().HideHeaders().Border(TableBorder.Rounded).AddColumn("").AddColumn("");
            table.AddRow("URL", Markup.Escape(client.BaseUrl.ToString().TrimEnd('/')));
            table.AddRow("Credential", Markup.Escape(creds.SessionUser is null
                ? $"{Mask(creds.ApiKey!)} (from {creds.KeySource})"
                : $"session of {creds.SessionUser} (from {creds.KeySource})"));
            table.AddRow("Kind", Markup.Escape(me.Kind));
            table.AddRow("Role", Markup.Escape(me.Role));
            if (me.Email is not null) table.AddRow("E-mail", Markup.Escape(me.Email));
            if (me.Name is not null) table.AddRow("Key name", Markup.Escape(me.Name));
            if (me.OrgId is not null) table.AddRow("Org", Markup.Escape($"{me.OrgName} ({me.OrgId})"));
            if (me.PartnerId is not null) table.AddRow("Partner", Markup.Escape(me.PartnerId));
            ctx.Console.Write(table);
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command Logout(CliCommands cli)
    {
        var cmd = new Command("logout", "Remove the saved credentials (and end a user session on the server)");
        cli.Handle(cmd, async (ctx, _, ct) =>
        {
            var config = CliConfig.Load(ctx.ConfigDirectory);
            var revoked = false;
            if (config?.RefreshToken is not null && config.AccessToken is not null)
                revoked = await TryRevokeAsync(ctx, config, ct);
            var removed = CliConfig.Delete(ctx.ConfigDirectory);
            if (ctx.Json) ctx.WriteJson(new { logged_out = removed, session_revoked = revoked, config = ctx.ConfigPath });
            else if (removed) ctx.Success($"Logged out (removed {Markup.Escape(ctx.ConfigPath)})");
            else ctx.Info("Not logged in: there was no saved login.");
            if (ctx.Env.Variable("EC_API_KEY") is not null) ctx.Hint("Note: EC_API_KEY is still set in the environment and keeps working.");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    /// <summary>Best effort: a session that cannot be revoked (expired, server down) is still removed locally.</summary>
    private static async Task<bool> TryRevokeAsync(CliContext ctx, CliConfig config, CancellationToken ct)
    {
        try
        {
            using var client = ctx.CreateClient();
            await client.Auth.MeAsync(ct); // refreshes an expired access token (rotating the refresh token) first
            var fresh = CliConfig.Load(ctx.ConfigDirectory) ?? config;
            await client.Auth.LogoutAsync(fresh.RefreshToken!, ct);
            return true;
        }
        catch (Exception ex) when (ex is EdgeConductorApiException or HttpRequestException or NotLoggedInException or TimeoutException)
        {
            ctx.Hint($"The session could not be ended on the server ({ex.Message}); removing it locally.");
            return false;
        }
    }

    private static string Describe(Sdk.Auth.Identity me)
    {
        var who = me.Kind == "api_key" ? $"API key '{me.Name}'" : me.Email ?? me.Id;
        var org = me.OrgId is null ? "" : $", org {me.OrgName} ({me.OrgId})";
        return Markup.Escape($"{who} (role {me.Role}{org})");
    }

    internal static string Mask(string key) => key.Length <= 12 ? new string('*', key.Length) : key[..12] + "…";

    private static string? Prompt(CliContext ctx, string label, bool secret, string? defaultValue)
    {
        if (ctx.Env.Interactive)
        {
            var prompt = new TextPrompt<string>(defaultValue is null ? label + ":" : label);
            if (secret) prompt.Secret();
            if (defaultValue is not null) prompt.DefaultValue(defaultValue);
            return ctx.Console.Prompt(prompt);
        }
        ctx.Env.Error.Write(defaultValue is null ? $"{label}: " : $"{label} [{defaultValue}]: ");
        ctx.Env.Error.Flush();
        var line = secret && ctx.Env.InputIsTerminal ? ReadWithoutEcho(ctx.Env.Error) : ctx.Env.In.ReadLine();
        if (line is null && defaultValue is null) return null;
        return string.IsNullOrWhiteSpace(line) ? defaultValue : line.Trim();
    }

    /// <summary>Reads a line from the terminal without showing it (output is redirected, so Spectre's prompt is not used).</summary>
    private static string ReadWithoutEcho(TextWriter echo)
    {
        var sb = new System.Text.StringBuilder();
        while (true)
        {
            var key = System.Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace)
            {
                if (sb.Length > 0) sb.Length--;
            }
            else if (!char.IsControl(key.KeyChar))
            {
                sb.Append(key.KeyChar);
            }
        }
        echo.WriteLine();
        return sb.ToString();
    }
}
