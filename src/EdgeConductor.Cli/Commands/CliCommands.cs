using System.CommandLine;
using EdgeConductor.Cli.Infrastructure;

namespace EdgeConductor.Cli.Commands;

/// <summary>Builds the command tree of <c>ec</c>.</summary>
internal sealed class CliCommands(CliEnvironment env)
{
    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print machine-readable JSON instead of tables",
        Recursive = true,
    };

    public RootCommand BuildRoot()
    {
        var root = new RootCommand("ec — the EdgeConductor command line: devices, live telemetry, orgs and factory provisioning.");
        root.Options.Add(Json);
        foreach (var c in AuthCommands.Create(this)) root.Subcommands.Add(c);
        root.Subcommands.Add(DeviceCommands.Create(this));
        root.Subcommands.Add(TelemetryCommands.Create(this));
        root.Subcommands.Add(OrgCommands.Create(this));
        root.Subcommands.Add(UserCommands.Create(this));
        root.Subcommands.Add(WebhookCommands.Create(this));
        root.Subcommands.Add(AnomalyCommands.Create(this));
        root.Subcommands.Add(NotificationCommands.Create(this));
        root.Subcommands.Add(RuleCommands.Create(this));
        root.Subcommands.Add(OtaCommands.Create(this));
        root.Subcommands.Add(ManufactureCommand.Create(this));
        root.Subcommands.Add(SimulateCommands.Create(this));
        root.Subcommands.Add(ClaimLinkCommands.Create(this));
        return root;
    }

    /// <summary>Sets <paramref name="command"/>'s action to <paramref name="body"/>, with error handling and exit codes.</summary>
    public void Handle(Command command, Func<CliContext, ParseResult, CancellationToken, Task<int>> body) =>
        command.SetAction((parse, ct) =>
        {
            var ctx = new CliContext(env, parse.GetValue(Json));
            return EcCli.ExecuteAsync(ctx, ct, token => body(ctx, parse, token));
        });
}
