namespace EdgeConductor.Cli.Infrastructure;

/// <summary>The user asked for something that cannot work as given (exit code 2).</summary>
internal sealed class CliUsageException(string message) : Exception(message);
