namespace EdgeConductor.Server.Rules;

/// <summary><see cref="IRuleDirectory"/> over the rules table.</summary>
internal sealed class RuleDirectory(RuleStore rules) : IRuleDirectory
{
    /// <inheritdoc />
    public async Task<string?> FindOrgIdAsync(string ruleId, CancellationToken ct) => (await rules.FindAsync(ruleId, ct))?.OrgId;
}
