using System.CommandLine;
using EdgeConductor.Cli.Infrastructure;
using Spectre.Console;

namespace EdgeConductor.Cli.Commands;

/// <summary><c>ec user disable | enable | delete ID</c>.</summary>
internal static class UserCommands
{
    public static Command Create(CliCommands cli)
    {
        var user = new Command("user", "User accounts");
        user.Subcommands.Add(SetDisabled(cli, disable: true));
        user.Subcommands.Add(SetDisabled(cli, disable: false));
        user.Subcommands.Add(Delete(cli));
        return user;
    }

    /// <summary>The JSON answer of <c>ec user delete --json</c>.</summary>
    private sealed record DeletedUser(string Id, bool Deleted);

    private static Argument<string> Id() => new("ID") { Description = "The user's id" };

    private static Command SetDisabled(CliCommands cli, bool disable)
    {
        var id = Id();
        var cmd = disable
            ? new Command("disable", "Disable a user: no more logins, refreshes or requests with its tokens") { id }
            : new Command("enable", "Enable a disabled user again (it logs in anew)") { id };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            using var client = ctx.CreateClient();
            var userId = parse.GetValue(id)!;
            var user = disable ? await client.Users.DisableAsync(userId, ct) : await client.Users.EnableAsync(userId, ct);
            if (ctx.Json) ctx.WriteJson(user);
            else ctx.Success($"{(disable ? "Disabled" : "Enabled")} {Markup.Escape(user.Email)} (id {Markup.Escape(user.Id)}, {Markup.Escape(user.Role)})");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command Delete(CliCommands cli)
    {
        var id = Id();
        var cmd = new Command("delete", "Delete a user for good") { id };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            using var client = ctx.CreateClient();
            var userId = parse.GetValue(id)!;
            await client.Users.DeleteAsync(userId, ct);
            if (ctx.Json) ctx.WriteJson(new DeletedUser(userId, true));
            else ctx.Success($"Deleted user {Markup.Escape(userId)}");
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
