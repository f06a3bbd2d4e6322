using System.CommandLine;
using EdgeConductor.Cli.Infrastructure;
using EdgeConductor.Sdk.Orgs;
using Spectre.Console;

namespace EdgeConductor.Cli.Commands;

/// <summary><c>ec org list | create</c>.</summary>
internal static class OrgCommands
{
    public static Command Create(CliCommands cli)
    {
        var org = new Command("org", "Organizations");
        org.Subcommands.Add(List(cli));
        org.Subcommands.Add(CreateOrg(cli));
        return org;
    }

    private static Command List(CliCommands cli)
    {
        var cmd = new Command("list", "List the organizations you have access to");
        cli.Handle(cmd, async (ctx, _, ct) =>
        {
            using var client = ctx.CreateClient();
            var orgs = await client.Orgs.ListAsync(ct);
            if (ctx.Json)
            {
                ctx.WriteJson(orgs);
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumns("ID", "Name", "Slug", "Plan", "Partner", "Created");
            foreach (var o in orgs)
                table.AddRow(Markup.Escape(o.Id), Markup.Escape(o.Name), Markup.Escape(o.Slug), Markup.Escape(o.Plan), Format.Text(o.PartnerId),
                    Format.Time(o.CreatedAt));
            ctx.Console.Write(table);
            ctx.Info($"{orgs.Count} org(s)");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command CreateOrg(CliCommands cli)
    {
        var name = new Argument<string>("NAME") { Description = "The org's name, e.g. \"Acme Corp\"" };
        var slug = new Option<string>("--slug") { Description = "URL-safe short name (default: derived from the name)" };
        var plan = new Option<string>("--plan") { Description = "starter (default), pro, business or enterprise" };
        plan.AcceptOnlyFromAmong("starter", "pro", "business", "enterprise");
        var product = new Option<string>("--product") { Description = "The org's main product type" };
        var cmd = new Command("create", "Create an organization (super admins and partners)") { name, slug, plan, product };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            using var client = ctx.CreateClient();
            var org = await client.Orgs.CreateAsync(
                new CreateOrgRequest(parse.GetValue(name)!, parse.GetValue(slug), parse.GetValue(plan), parse.GetValue(product)), ct);
            if (ctx.Json) ctx.WriteJson(org);
            else ctx.Success($"Created org [bold]{Markup.Escape(org.Name)}[/] (id {Markup.Escape(org.Id)}, slug {Markup.Escape(org.Slug)}, plan {Markup.Escape(org.Plan)})");
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
