namespace EdgeConductor.Server.Rules;

/// <summary>Which org a rule belongs to, for features that key their data by rule (the webhook delivery log).</summary>
public interface IRuleDirectory
{
    /// <summary>The org id of rule <paramref name="ruleId"/>, or null when no such rule exists.</summary>
    Task<string?> FindOrgIdAsync(string ruleId, CancellationToken ct);
}
