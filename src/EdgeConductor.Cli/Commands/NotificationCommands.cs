using System.CommandLine;
using EdgeConductor.Cli.Infrastructure;
using EdgeConductor.Sdk;
using Spectre.Console;

namespace EdgeConductor.Cli.Commands;

/// <summary><c>ec notification list | read ID | read-all</c>: the caller's own notification bell (seed 000 ec.notifications).</summary>
internal static class NotificationCommands
{
    public static Command Create(CliCommands cli)
    {
        var n = new Command("notification", "The notification bell: device offline/online, anomalies, firmware, rules, webhooks");
        n.Subcommands.Add(List(cli));
        n.Subcommands.Add(Read(cli));
        n.Subcommands.Add(ReadAll(cli));
        return n;
    }

    /// <summary>The JSON answer of <c>ec notification read-all --json</c>.</summary>
    private sealed record ReadAllResult(string OrgId, int Updated);

    private static Option<string> OrgOption() => new("--org") { Description = "The org id (default: the org of your API key or account)" };

    /// <summary>The org named by --org, else the caller's own org; a usage error when there is none (super admin, partner).</summary>
    private static async Task<string> OrgAsync(EdgeConductorClient client, string? org, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(org)) return org;
        var me = await client.Auth.MeAsync(ct);
        return me.OrgId ?? throw new CliUsageException("--org is required: your credential belongs to no single org.");
    }

    private static Command List(CliCommands cli)
    {
        var org = OrgOption();
        var unread = new Option<bool>("--unread") { Description = "Only notifications you have not read" };
        var limit = new Option<int?>("--limit") { Description = "At most this many (default 50, at most 500)" };
        var cmd = new Command("list", "List the org's notifications, newest first, with your own read state") { org, unread, limit };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            using var client = ctx.CreateClient();
            var orgId = await OrgAsync(client, parse.GetValue(org), ct);
            var list = await client.Notifications.ListAsync(orgId, parse.GetValue(unread), parse.GetValue(limit), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(list);
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumns("", "Id", "Time", "Severity", "Kind", "Device", "Title");
            foreach (var x in list)
                table.AddRow(x.ReadAt is null ? "[bold]●[/]" : " ", Markup.Escape(x.Id), Format.Time(x.CreatedAt), Severity(x.Severity),
                    Markup.Escape(x.Kind), Format.Text(x.DeviceSerial), Markup.Escape(x.Title));
            ctx.Console.Write(table);
            ctx.Info($"{list.Count} notification(s), {list.Count(x => x.ReadAt is null)} unread shown");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command Read(CliCommands cli)
    {
        var id = new Argument<string>("ID") { Description = "The notification's id" };
        var cmd = new Command("read", "Mark one notification read (for you)") { id };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            using var client = ctx.CreateClient();
            var n = await client.Notifications.MarkReadAsync(parse.GetValue(id)!, ct);
            if (ctx.Json) ctx.WriteJson(n);
            else ctx.Success($"Read: {Markup.Escape(n.Title)}");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command ReadAll(CliCommands cli)
    {
        var org = OrgOption();
        var cmd = new Command("read-all", "Mark all of the org's notifications read (for you)") { org };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            using var client = ctx.CreateClient();
            var orgId = await OrgAsync(client, parse.GetValue(org), ct);
            var updated = await client.Notifications.MarkAllReadAsync(orgId, ct);
            if (ctx.Json) ctx.WriteJson(new ReadAllResult(orgId, updated));
            else ctx.Success($"Marked {updated} notification(s) read");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static string Severity(string s) => s switch
    {
        "critical" => "[red]critical[/]",
        "warning" => "[yellow]warning[/]",
        _ => Markup.Escape(s),
    };
}
