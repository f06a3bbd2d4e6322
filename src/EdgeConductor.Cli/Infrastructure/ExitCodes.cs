namespace EdgeConductor.Cli.Infrastructure;

/// <summary>The process exit codes of <c>ec</c>.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>The server refused the request, or could not be reached.</summary>
    public const int ApiError = 1;

    /// <summary>Bad arguments, or not logged in.</summary>
    public const int Usage = 2;
}
