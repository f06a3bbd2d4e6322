namespace EdgeConductor.Server.Tenancy;

/// <summary>Org plans and their API request limits per minute (seed 000 "Rate Limits").</summary>
public static class Plans
{
    public const string Starter = "starter";
    public const string Pro = "pro";
    public const string Business = "business";
    public const string Enterprise = "enterprise";

    public static readonly string[] All = [Starter, Pro, Business, Enterprise];

    /// <summary>Requests per minute, or null for no limit.</summary>
    public static int? RequestsPerMinute(string plan) => plan switch
    {
        Starter => 100,
        Pro => 1_000,
        Business => 10_000,
        _ => null,
    };
}
