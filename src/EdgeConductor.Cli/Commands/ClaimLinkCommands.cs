using System.CommandLine;
using EdgeConductor.Cli.Infrastructure;
using EdgeConductor.Sdk;
using Spectre.Console;

namespace EdgeConductor.Cli.Commands;

/// <summary>
/// <c>ec claim-link create ROOM_ID [--org ORG] [--expires-in MINUTES] [--base-url URL]</c>: a one-time, expiring QR room
/// claim link for a room (seed 001 "Multi-Tenant" QR claim flow; docs/web.md). The token is shown once.
/// </summary>
internal static class ClaimLinkCommands
{
    public static Command Create(CliCommands cli)
    {
        var c = new Command("claim-link", "QR room-claim links: one-time, expiring links a room tenant opens to claim the room");
        c.Subcommands.Add(CreateLink(cli));
        return c;
    }

    private static Command CreateLink(CliCommands cli)
    {
        var room = new Argument<string>("ROOM_ID") { Description = "The room's id" };
        var org = new Option<string>("--org") { Description = "The org id (default: the org of your API key or account)" };
        var expires = new Option<int?>("--expires-in") { Description = "Lifetime in minutes, 5-43200 (default 4320 = 72 h)" };
        var console = new Option<string>("--console-url") { Description = "The console's address to print a full URL for the QR code (e.g. https://iot.example.com)" };
        var cmd = new Command("create", "Create a claim link for a room (shown once)") { room, org, expires, console };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            using var client = ctx.CreateClient();
            var orgId = parse.GetValue(org);
            if (string.IsNullOrWhiteSpace(orgId))
                orgId = (await client.Auth.MeAsync(ct)).OrgId ?? throw new CliUsageException("--org is required: your credential belongs to no single org.");
            var minutes = parse.GetValue(expires);
            var link = await client.ClaimLinks.CreateAsync(orgId, parse.GetValue(room)!, minutes is { } m ? TimeSpan.FromMinutes(m) : null, ct);
            if (ctx.Json)
            {
                ctx.WriteJson(link);
                return ExitCodes.Ok;
            }
            var baseUrl = parse.GetValue(console)?.TrimEnd('/');
            ctx.Success($"Claim link for room {Markup.Escape(link.RoomId)}, one use, expires {Format.Time(link.ExpiresAt)} (shown only now):");
            ctx.Console.WriteLine((baseUrl ?? "") + link.ClaimPath);
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
