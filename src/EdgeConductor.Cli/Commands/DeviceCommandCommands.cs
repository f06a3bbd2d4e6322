using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeConductor.Cli.Infrastructure;
using EdgeConductor.Sdk;
using EdgeConductor.Sdk.Commands;
using Spectre.Console;

namespace EdgeConductor.Cli.Commands;

/// <summary>
/// <c>ec device command SERIAL CMD [--param k=v]… [--params JSON] [--expires-in S] [--wait] [--timeout S]</c> (custom
/// commands), <c>ec device commands SERIAL</c> (recent commands and their state), and the <c>--wait</c> shared with
/// <c>ec device reboot</c>: wait for the device's answer and say what it was.
/// </summary>
internal static class DeviceCommandCommands
{
    /// <summary>--wait: wait for the device's final answer.</summary>
    public static Option<bool> WaitOption() => new("--wait") { Description = "Wait for the device's answer (succeeded, failed or expired) and show it" };

    /// <summary>--timeout: how long --wait waits, in seconds.</summary>
    public static Option<int> TimeoutOption() => new("--timeout") { Description = "How long --wait waits, in seconds (default 60)", DefaultValueFactory = _ => 60 };

    public static Command Send(CliCommands cli)
    {
        var serial = new Argument<string>("SERIAL") { Description = "The device's serial number" };
        var name = new Argument<string>("CMD") { Description = "The command name, e.g. set_interval" };
        var param = new Option<string[]>("--param", "-p") { Description = "A parameter as key=value (repeatable; value is JSON if it parses, else a string)", AllowMultipleArgumentsPerToken = false };
        var paramsJson = new Option<string>("--params") { Description = "All parameters as one JSON object" };
        var expiresIn = new Option<int?>("--expires-in") { Description = "Seconds until the command expires unanswered (60-604800; default 3600)" };
        var wait = WaitOption();
        var timeout = TimeoutOption();
        var cmd = new Command("command", "Send a custom command to a device") { serial, name, param, paramsJson, expiresIn, wait, timeout };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            var parameters = Parameters(parse.GetValue(paramsJson), parse.GetValue(param) ?? []);
            var s = parse.GetValue(serial)!;
            using var client = ctx.CreateClient();
            var expires = parse.GetValue(expiresIn) is { } e ? TimeSpan.FromSeconds(e) : (TimeSpan?)null;
            var sent = await client.Commands.SendAsync(s, parse.GetValue(name)!, parameters, expires, ct);
            if (!parse.GetValue(wait))
            {
                if (ctx.Json) ctx.WriteJson(sent);
                else ctx.Success($"Command [bold]{Markup.Escape(sent.Cmd)}[/] {Markup.Escape(sent.State)} to {Markup.Escape(s)} (command {Markup.Escape(sent.Id)})");
                return ExitCodes.Ok;
            }
            return await WaitAndReportAsync(ctx, client, s, sent.Id, parse.GetValue(timeout), ct);
        });
        return cmd;
    }

    public static Command List(CliCommands cli)
    {
        var serial = new Argument<string>("SERIAL") { Description = "The device's serial number" };
        var limit = new Option<int>("--limit", "-n") { Description = "How many (1-200)", DefaultValueFactory = _ => 20 };
        var cmd = new Command("commands", "A device's recent commands and their state") { serial, limit };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            var n = parse.GetValue(limit);
            if (n is < 1 or > 200) throw new CliUsageException("-n/--limit must be between 1 and 200.");
            using var client = ctx.CreateClient();
            var list = await client.Commands.RecentAsync(parse.GetValue(serial)!, n, ct);
            if (ctx.Json)
            {
                ctx.WriteJson(list);
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumns("Created", "Command", "State", "Answered", "Result", "Id");
            foreach (var c in list)
                table.AddRow(Format.Time(c.CreatedAt), Markup.Escape(c.Cmd), State(c.State), Format.Time(c.CompletedAt ?? c.AcknowledgedAt),
                    Format.Text(c.Result), Markup.Escape(c.Id));
            ctx.Console.Write(table);
            return ExitCodes.Ok;
        });
        return cmd;
    }

    /// <summary>
    /// Waits up to <paramref name="timeoutSeconds"/> for the command's final answer and reports it. Exit code 0 when it
    /// succeeded, 1 when it failed, expired or was not answered in time.
    /// </summary>
    public static async Task<int> WaitAndReportAsync(CliContext ctx, EdgeConductorClient client, string serial, string id, int timeoutSeconds, CancellationToken ct)
    {
        if (timeoutSeconds is < 1 or > 86_400) throw new CliUsageException("--timeout must be between 1 and 86400 seconds.");
        ctx.Info($"[grey]Waiting up to {timeoutSeconds} s for {Markup.Escape(serial)} to answer…[/]");
        var c = await client.Commands.WaitAsync(serial, id, TimeSpan.FromSeconds(timeoutSeconds), cancellationToken: ct);
        if (ctx.Json) ctx.WriteJson(c);
        else
        {
            var result = string.IsNullOrEmpty(c.Result) ? "" : $": {Markup.Escape(c.Result)}";
            var line = c.State switch
            {
                CommandStates.Succeeded => $"[green]✓[/] {Markup.Escape(serial)} carried out {Markup.Escape(c.Cmd)}{result}",
                CommandStates.Failed => $"[red]✗[/] {Markup.Escape(serial)} could not carry out {Markup.Escape(c.Cmd)}{result}",
                CommandStates.Expired => $"[red]✗[/] {Markup.Escape(c.Cmd)} expired before {Markup.Escape(serial)} answered",
                _ => $"[yellow]…[/] no final answer within {timeoutSeconds} s; the command is {Markup.Escape(c.State)}{result}",
            };
            ctx.Console.MarkupLine(line);
        }
        return c.State == CommandStates.Succeeded ? ExitCodes.Ok : ExitCodes.ApiError;
    }

    private static string State(string state) => state switch
    {
        CommandStates.Succeeded => "[green]succeeded[/]",
        CommandStates.Failed => "[red]failed[/]",
        CommandStates.Expired => "[grey]expired[/]",
        _ => Markup.Escape(state),
    };

    private static JsonObject? Parameters(string? json, string[] pairs)
    {
        JsonObject? result = null;
        if (json is not null)
        {
            try
            {
                result = JsonNode.Parse(json) as JsonObject ?? throw new CliUsageException("--params must be a JSON object, e.g. '{\"seconds\":30}'.");
            }
            catch (JsonException ex)
            {
                throw new CliUsageException("--params is not valid JSON: " + ex.Message);
            }
        }
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0) throw new CliUsageException($"--param '{pair}' must be key=value.");
            JsonNode? value;
            try
            {
                value = JsonNode.Parse(pair[(eq + 1)..]);
            }
            catch (JsonException)
            {
                value = JsonValue.Create(pair[(eq + 1)..]);
            }
            (result ??= new JsonObject())[pair[..eq]] = value;
        }
        return result;
    }
}
