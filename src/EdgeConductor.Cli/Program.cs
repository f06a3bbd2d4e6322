namespace EdgeConductor.Cli;

/// <summary>The <c>ec</c> executable.</summary>
internal static class Program
{
    private static Task<int> Main(string[] args) => EcCli.RunAsync(args, CliEnvironment.FromProcess());
}
