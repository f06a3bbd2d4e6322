namespace EdgeConductor.Cli.Infrastructure;

/// <summary>No API key in EC_API_KEY or the config file (exit code 2).</summary>
internal sealed class NotLoggedInException(string message = NotLoggedInException.DefaultMessage) : Exception(message)
{
    public const string DefaultMessage = "Not logged in. Run 'ec login' (or set EC_API_KEY and EC_URL).";
}
