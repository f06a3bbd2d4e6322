namespace EdgeConductor.Cli;

/// <summary>The <c>ec</c> executable.</summary>
internal static class Program
{
    private static Task<int> Main(string[] args)
    {
        // Tables and ✓ marks are Unicode, whatever the locale says.
        Console.OutputEncoding = System.Text.Encoding.UTF8;
        return EcCli.RunAsync(args, CliEnvironment.FromProcess());
    }
}
