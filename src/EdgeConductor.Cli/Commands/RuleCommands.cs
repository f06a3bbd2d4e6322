using System.CommandLine;
using EdgeConductor.Cli.Infrastructure;
using EdgeConductor.Sdk;
using EdgeConductor.Sdk.Rules;
using Spectre.Console;
using Rule = EdgeConductor.Sdk.Rules.Rule;

namespace EdgeConductor.Cli.Commands;

/// <summary><c>ec rule list | threshold | schedule | enable | disable | delete</c> (seed 000 <c>ec.rules</c>).</summary>
internal static class RuleCommands
{
    public static Command Create(CliCommands cli)
    {
        var rule = new Command("rule", "Automation rules: threshold and schedule");
        rule.Subcommands.Add(List(cli));
        rule.Subcommands.Add(Threshold(cli));
        rule.Subcommands.Add(Schedule(cli));
        rule.Subcommands.Add(SetEnabled(cli, enable: true));
        rule.Subcommands.Add(SetEnabled(cli, enable: false));
        rule.Subcommands.Add(Delete(cli));
        return rule;
    }

    private static Option<string> Org() => new("--org") { Description = "The org id (default: the org of your API key or login)" };

    private static Argument<string> Id() => new("ID") { Description = "The rule's id" };

    /// <summary>The org to use: --org, else the caller's own org.</summary>
    private static async Task<string?> OrgIdAsync(CliContext ctx, EdgeConductorClient client, string? org, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(org)) return org;
        var me = await client.Auth.MeAsync(ct);
        if (me.OrgId is null) ctx.Error("You belong to no org: pass --org <org_id>.");
        return me.OrgId;
    }

    private static Command List(CliCommands cli)
    {
        var org = Org();
        var cmd = new Command("list", "List the rules of an org") { org };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            using var client = ctx.CreateClient();
            var orgId = await OrgIdAsync(ctx, client, parse.GetValue(org), ct);
            if (orgId is null) return ExitCodes.Usage;
            var rules = await client.Rules.ListAsync(orgId, ct);
            if (ctx.Json)
            {
                ctx.WriteJson(rules);
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumns("Id", "Name", "Type", "Rule", "Enabled", "Last fired", "Fires");
            foreach (var r in rules)
                table.AddRow(Markup.Escape(r.Id), Markup.Escape(r.Name), Markup.Escape(r.RuleType), Markup.Escape(Describe(r)),
                    r.Enabled ? "[green]yes[/]" : "[grey]no[/]", Format.Time(r.LastFired), r.FireCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
            ctx.Console.Write(table);
            ctx.Info($"{rules.Count} rule(s)");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command Threshold(CliCommands cli)
    {
        var name = new Argument<string>("NAME") { Description = "Display name, e.g. \"CO2 High Alert\"" };
        var field = new Argument<string>("FIELD") { Description = "Telemetry field, e.g. co2" };
        var op = new Argument<string>("OP") { Description = "> < >= <= == !=" };
        var value = new Argument<string>("VALUE") { Description = "Threshold (JSON: 1000, true, \"open\")" };
        var key = new Argument<string>("KEY") { Description = "Desired-state key to set when it fires, e.g. relay" };
        var set = new Argument<string>("SET") { Description = "Value to set (JSON when it parses, else a string)" };
        var org = Org();
        var webhook = new Option<string>("--webhook") { Description = "Webhook URL POSTed on every fire" };
        var forSeconds = new Option<int?>("--for") { Description = "Seconds the condition must hold before firing" };
        var clearValue = new Option<double?>("--clear-value") { Description = "Hysteresis: clear only past this value" };
        var cmd = new Command("threshold", "Create a threshold rule: IF FIELD OP VALUE THEN KEY = SET")
            { name, field, op, value, key, set, org, webhook, forSeconds, clearValue };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            using var client = ctx.CreateClient();
            var orgId = await OrgIdAsync(ctx, client, parse.GetValue(org), ct);
            if (orgId is null) return ExitCodes.Usage;
            var rule = await client.Rules.ThresholdAsync(orgId, new ThresholdRuleRequest(parse.GetValue(name)!, parse.GetValue(field)!,
                parse.GetValue(op)!, DeviceCommands.ParseValue(parse.GetValue(value)!)!, new RuleAction(parse.GetValue(key)!,
                DeviceCommands.ParseValue(parse.GetValue(set)!)), parse.GetValue(webhook))
            {
                ForSeconds = parse.GetValue(forSeconds), ClearValue = parse.GetValue(clearValue),
            }, ct);
            Report(ctx, rule, "Created");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command Schedule(CliCommands cli)
    {
        var name = new Argument<string>("NAME") { Description = "Display name, e.g. \"Night shutoff\"" };
        var time = new Argument<string>("TIME") { Description = "HH:MM in the org's time zone" };
        var days = new Argument<string>("DAYS") { Description = "Comma-separated: mon,tue,wed,thu,fri,sat,sun" };
        var key = new Argument<string>("KEY") { Description = "Desired-state key to set, e.g. relay" };
        var set = new Argument<string>("SET") { Description = "Value to set (JSON when it parses, else a string)" };
        var org = Org();
        var webhook = new Option<string>("--webhook") { Description = "Webhook URL POSTed on every fire" };
        var cmd = new Command("schedule", "Create a schedule rule: AT TIME on DAYS THEN KEY = SET") { name, time, days, key, set, org, webhook };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            using var client = ctx.CreateClient();
            var orgId = await OrgIdAsync(ctx, client, parse.GetValue(org), ct);
            if (orgId is null) return ExitCodes.Usage;
            var dayList = parse.GetValue(days)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var rule = await client.Rules.ScheduleAsync(orgId, new ScheduleRuleRequest(parse.GetValue(name)!, parse.GetValue(time)!, dayList,
                new RuleAction(parse.GetValue(key)!, DeviceCommands.ParseValue(parse.GetValue(set)!))) { WebhookUrl = parse.GetValue(webhook) }, ct);
            Report(ctx, rule, "Created");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command SetEnabled(CliCommands cli, bool enable)
    {
        var id = Id();
        var cmd = enable
            ? new Command("enable", "Turn a rule on") { id }
            : new Command("disable", "Turn a rule off without deleting it") { id };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            using var client = ctx.CreateClient();
            var rule = enable ? await client.Rules.EnableAsync(parse.GetValue(id)!, ct) : await client.Rules.DisableAsync(parse.GetValue(id)!, ct);
            Report(ctx, rule, enable ? "Enabled" : "Disabled");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command Delete(CliCommands cli)
    {
        var id = Id();
        var cmd = new Command("delete", "Delete a rule for good") { id };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            using var client = ctx.CreateClient();
            var deleted = await client.Rules.DeleteAsync(parse.GetValue(id)!, ct);
            if (ctx.Json) ctx.WriteJson(new { deleted = deleted.IsDeleted, id = deleted.Id });
            else ctx.Success($"Deleted rule {Markup.Escape(deleted.Id)}");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static void Report(CliContext ctx, Rule rule, string verb)
    {
        if (ctx.Json) ctx.WriteJson(rule);
        else ctx.Success($"{verb} rule {Markup.Escape(rule.Name)} (id {Markup.Escape(rule.Id)}): {Markup.Escape(Describe(rule))}");
    }

    /// <summary>"IF co2 &gt; 1000 THEN relay = true" / "AT 22:00 mon,tue THEN relay = false".</summary>
    private static string Describe(Rule r)
    {
        var then = $"THEN {r.Action.GetProperty("key").GetString()} = {r.Action.GetProperty("value").GetRawText()}";
        var c = r.Condition;
        return r.RuleType == "schedule"
            ? $"AT {c.GetProperty("time").GetString()} {string.Join(',', c.GetProperty("days").EnumerateArray().Select(d => d.GetString()))} {then}"
            : $"IF {c.GetProperty("field").GetString()} {c.GetProperty("op").GetString()} {c.GetProperty("value").GetRawText()} {then}";
    }
}
