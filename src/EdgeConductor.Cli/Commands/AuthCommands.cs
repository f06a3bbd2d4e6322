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
        var apiKey = new Option<string>("--api-key") { Description = "The API key (ec_live_…) or an access token; prompted for when omitted" };
        var url = new Option<string>("--url") { Description = $"The registry URL, e.g. {CliContext.DefaultUrl}; prompted for when omitted" };
        var cmd = new Command("login", "Save an API key and registry URL to ~/.ec/config.json (checked against the server first)") { apiKey, url };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            var current = ctx.ResolveCredentials();
            var key = parse.GetValue(apiKey) ?? Prompt(ctx, "API key", secret: true, defaultValue: null);
            if (string.IsNullOrWhiteSpace(key)) throw new CliUsageException("An API key is required: pass --api-key or type it at the prompt.");
            var address = parse.GetValue(url) ?? (parse.GetResult(apiKey) is not null
                ? current.Url
                : Prompt(ctx, "Registry URL", secret: false, defaultValue: current.Url));
            if (string.IsNullOrWhiteSpace(address)) address = current.Url;
            key = key.Trim();
            var baseUrl = CliContext.ParseUrl(address).ToString().TrimEnd('/');

            using var client = ctx.CreateClient(key, baseUrl);
            var me = await client.Auth.MeAsync(ct);
            new CliConfig(key, baseUrl).Save(ctx.ConfigDirectory);

            if (ctx.Json)
            {
                ctx.WriteJson(new { url = baseUrl, config = ctx.ConfigPath, identity = me });
                return ExitCodes.Ok;
            }
            ctx.Success($"Logged in to [bold]{Markup.Escape(baseUrl)}[/] as {Describe(me)}");
            ctx.Info($"[grey]Saved to {Markup.Escape(ctx.ConfigPath)}[/]");
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
            table.AddRow("Credential", Markup.Escape($"{Mask(creds.ApiKey!)} (from {creds.KeySource})"));
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
        var cmd = new Command("logout", "Remove the saved credentials");
        cli.Handle(cmd, (ctx, _, _) =>
        {
            var removed = CliConfig.Delete(ctx.ConfigDirectory);
            if (ctx.Json) ctx.WriteJson(new { logged_out = removed, config = ctx.ConfigPath });
            else if (removed) ctx.Success($"Logged out (removed {Markup.Escape(ctx.ConfigPath)})");
            else ctx.Info("Not logged in: there was no saved login.");
            if (ctx.Env.Variable("EC_API_KEY") is not null) ctx.Hint("Note: EC_API_KEY is still set in the environment and keeps working.");
            return Task.FromResult(ExitCodes.Ok);
        });
        return cmd;
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
            var prompt = new TextPrompt<string>(label + ":");
            if (secret) prompt.Secret();
            if (defaultValue is not null) prompt.DefaultValue(defaultValue);
            return ctx.Console.Prompt(prompt);
        }
        ctx.Env.Error.Write(defaultValue is null ? $"{label}: " : $"{label} [{defaultValue}]: ");
        ctx.Env.Error.Flush();
        var line = ctx.Env.In.ReadLine();
        if (line is null && defaultValue is null) return null;
        return string.IsNullOrWhiteSpace(line) ? defaultValue : line.Trim();
    }
}
