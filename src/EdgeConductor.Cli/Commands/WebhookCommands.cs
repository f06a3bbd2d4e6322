using System.CommandLine;
using EdgeConductor.Cli.Infrastructure;
using EdgeConductor.Sdk.Webhooks;
using Spectre.Console;

namespace EdgeConductor.Cli.Commands;

/// <summary><c>ec webhook deliveries ORG_ID | replay ID | secret ORG_ID [--new]</c> (docs/webhooks.md).</summary>
internal static class WebhookCommands
{
    public static Command Create(CliCommands cli)
    {
        var webhook = new Command("webhook", "Webhook delivery log and signing secret");
        webhook.Subcommands.Add(Deliveries(cli));
        webhook.Subcommands.Add(Replay(cli));
        webhook.Subcommands.Add(Secret(cli));
        return webhook;
    }

    private static Command Deliveries(CliCommands cli)
    {
        var org = new Argument<string>("ORG_ID") { Description = "The org's id" };
        var status = new Option<string?>("--status") { Description = "Only pending, succeeded or failed deliveries" };
        var rule = new Option<string?>("--rule") { Description = "Only this rule's deliveries" };
        var limit = new Option<int?>("--limit") { Description = "At most this many (1-500, default 50)" };
        var cmd = new Command("deliveries", "List webhook deliveries, newest first") { org, status, rule, limit };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            using var client = ctx.CreateClient();
            var ruleId = parse.GetValue(rule);
            var list = ruleId is null
                ? await client.Webhooks.ListDeliveriesAsync(parse.GetValue(org)!, parse.GetValue(status), parse.GetValue(limit), ct)
                : (await client.Webhooks.RuleDeliveriesAsync(ruleId, parse.GetValue(limit), ct))
                    .Where(d => parse.GetValue(status) is not { } s || d.Status == s).ToList();
            if (ctx.Json)
            {
                ctx.WriteJson(list);
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumns("ID", "Status", "Attempts", "Code", "Latency", "Next retry", "URL", "Last error");
            foreach (var d in list)
                table.AddRow(Markup.Escape(d.Id), Markup.Escape(d.Status), d.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Format.Text(d.ResponseCode?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    Format.Text(d.LatencyMs is { } ms ? $"{ms} ms" : null), Format.Time(d.NextAttemptAt), Markup.Escape(d.Url), Format.Text(d.LastError));
            ctx.Console.Write(table);
            ctx.Info($"{list.Count} deliver{(list.Count == 1 ? "y" : "ies")}");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command Replay(CliCommands cli)
    {
        var id = new Argument<string>("ID") { Description = "The delivery's id" };
        var cmd = new Command("replay", "Send a delivery's message again (same webhook-id); re-enables a URL disabled by 410") { id };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            using var client = ctx.CreateClient();
            var d = await client.Webhooks.ReplayAsync(parse.GetValue(id)!, ct);
            if (ctx.Json) ctx.WriteJson(d);
            else ctx.Success($"Replaying as delivery {Markup.Escape(d.Id)} to {Markup.Escape(d.Url)}");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command Secret(CliCommands cli)
    {
        var org = new Argument<string>("ORG_ID") { Description = "The org's id" };
        var create = new Option<bool>("--new") { Description = "Show the secret once: create it, or rotate it if it was shown before" };
        var grace = new Option<long?>("--grace") { Description = "With --new: seconds the previous secret keeps signing (default 24 h)" };
        var cmd = new Command("secret", "The webhook signing secret's metadata, or (--new) a new secret shown once") { org, create, grace };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            using var client = ctx.CreateClient();
            var orgId = parse.GetValue(org)!;
            if (parse.GetValue(create))
            {
                var s = await client.Webhooks.CreateOrRotateSecretAsync(orgId, parse.GetValue(grace), ct);
                if (ctx.Json) ctx.WriteJson(s);
                else
                {
                    ctx.Env.Out.WriteLine(s.Secret);
                    ctx.Env.Out.Flush();
                    ctx.Info(s.Rotated
                        ? $"Rotated; the previous secret signs until {Format.Time(s.PreviousExpiresAt)}. This secret is not shown again."
                        : "This secret is not shown again.");
                }
                return ExitCodes.Ok;
            }
            if (parse.GetValue(grace) is not null) throw new CliUsageException("--grace needs --new.");
            var info = await client.Webhooks.GetSecretInfoAsync(orgId, ct);
            if (ctx.Json) ctx.WriteJson(info);
            else if (!info.Configured) ctx.Info("No webhook secret yet (made on the first delivery, or with --new).");
            else ctx.Info($"Fingerprint {Markup.Escape(info.Fingerprint ?? "")}, created {Format.Time(info.CreatedAt)}" +
                          (info.PreviousExpiresAt is { } p ? $", previous secret signs until {Format.Time(p)}" : ""));
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
