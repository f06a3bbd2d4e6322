namespace EdgeConductor.Server.Rules;

/// <summary>The two rule types of seed 000/001, the comparison operators, and the webhook presets.</summary>
public static class RuleTypes
{
    public const string Threshold = "threshold";
    public const string Schedule = "schedule";
    public static readonly string[] All = [Threshold, Schedule];

    /// <summary>Seed 000: <c>op: '&gt;' | '&lt;' | '&gt;=' | '&lt;=' | '==' | '!='</c>.</summary>
    public static readonly string[] Ops = [">", "<", ">=", "<=", "==", "!="];

    /// <summary>Ops that order numbers: their value (and clear_value) must be numeric.</summary>
    public static bool IsOrdering(string op) => op is ">" or "<" or ">=" or "<=";

    /// <summary>Webhook presets (null = the raw seed 001 payload).</summary>
    public static readonly string[] Presets = ["slack", "telegram"];

    /// <summary>Schedule days (seed 000: <c>days: ['mon','tue',...]</c>).</summary>
    public static readonly string[] Days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    public static DayOfWeek ToDayOfWeek(string day) => day switch
    {
        "mon" => DayOfWeek.Monday, "tue" => DayOfWeek.Tuesday, "wed" => DayOfWeek.Wednesday, "thu" => DayOfWeek.Thursday,
        "fri" => DayOfWeek.Friday, "sat" => DayOfWeek.Saturday, _ => DayOfWeek.Sunday,
    };
}
