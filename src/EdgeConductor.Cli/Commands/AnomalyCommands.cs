using System.CommandLine;
using System.Globalization;
using EdgeConductor.Cli.Infrastructure;
using Spectre.Console;

namespace EdgeConductor.Cli.Commands;

/// <summary><c>ec anomaly list [--unacked] [--org ID] [--severity S] [--serial SN] [--limit N] | ack ID</c> (docs/anomalies.md).</summary>
internal static class AnomalyCommands
{
    public static Command Create(CliCommands cli)
    {
        var anomaly = new Command("anomaly", "Anomalies detected in device telemetry");
        anomaly.Subcommands.Add(List(cli));
        anomaly.Subcommands.Add(Ack(cli));
        return anomaly;
    }

    private static Command List(CliCommands cli)
    {
        var unacked = new Option<bool>("--unacked") { Description = "Only anomalies nobody acknowledged yet" };
        var org = new Option<string>("--org") { Description = "Org id (default: the org of your API key or user)" };
        var severity = new Option<string>("--severity") { Description = "Only warning or critical" };
        var serial = new Option<string>("--serial") { Description = "Only this device" };
        var limit = new Option<int?>("--limit") { Description = "At most this many (default 50, at most 500)" };
        var cmd = new Command("list", "List an org's anomalies, newest first") { unacked, org, severity, serial, limit };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            using var client = ctx.CreateClient();
            var orgId = parse.GetValue(org) ?? (await client.Auth.MeAsync(ct)).OrgId;
            if (orgId is null)
            {
                ctx.Error("Give the org with --org (your credential belongs to no single org).");
                return ExitCodes.Usage;
            }
            var list = await client.Anomalies.ListAsync(orgId, parse.GetValue(unacked), parse.GetValue(limit), parse.GetValue(severity),
                serial: parse.GetValue(serial), cancellationToken: ct);
            if (ctx.Json)
            {
                ctx.WriteJson(list);
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumns("Id", "Detected", "Device", "Field", "Value", "Baseline", "Deviation", "Severity", "Acked");
            foreach (var a in list)
                table.AddRow(Markup.Escape(a.Id), Format.Time(a.CreatedAt), Markup.Escape(a.Serial), Markup.Escape(a.Field),
                    Num(a.Value), Num(a.Baseline), Num(a.DeviationPct) + " %",
                    a.Severity == "critical" ? "[red]critical[/]" : "[yellow]warning[/]", a.Acknowledged ? "yes" : "[bold]no[/]");
            ctx.Console.Write(table);
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command Ack(CliCommands cli)
    {
        var id = new Argument<string>("ID") { Description = "The anomaly's id" };
        var cmd = new Command("ack", "Acknowledge (dismiss) an anomaly") { id };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            using var client = ctx.CreateClient();
            var a = await client.Anomalies.AcknowledgeAsync(parse.GetValue(id)!, ct);
            if (ctx.Json) ctx.WriteJson(a);
            else ctx.Success($"Acknowledged {Markup.Escape(a.Severity)} anomaly {Markup.Escape(a.Id)} ({Markup.Escape(a.Field)} on {Markup.Escape(a.Serial)})");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static string Num(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
}
