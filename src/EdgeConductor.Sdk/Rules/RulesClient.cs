using EdgeConductor.Sdk.Http;

namespace EdgeConductor.Sdk.Rules;

/// <summary>
/// Automation rules: <c>client.Rules</c> (seed 000 <c>ec.rules</c>). Threshold rules are evaluated on each telemetry
/// message; schedule rules run at HH:MM on the chosen days in the org's time zone. See docs/rules.md.
/// </summary>
public sealed class RulesClient
{
    private readonly ApiTransport _api;

    internal RulesClient(ApiTransport api) => _api = api;

    private sealed record EnabledBody(bool Enabled);

    private sealed record CreateBody(string Name, string RuleType, object Condition, RuleAction Action, RuleAction? ClearAction,
        RuleScope? Scope, string? WebhookUrl, string? WebhookPreset, bool? Notify);

    private sealed record ThresholdCondition(string Field, string Op, object Value, int? ForSeconds, double? ClearValue);

    private sealed record ScheduleCondition(string Time, IReadOnlyList<string> Days);

    /// <summary>The answer of <see cref="DeleteAsync"/>.</summary>
    /// <param name="IsDeleted">True once the rule is gone.</param>
    /// <param name="Id">The deleted rule's id.</param>
    public sealed record Deleted(bool IsDeleted, string Id);

    private sealed record DeletedBody(bool Deleted, string Id);

    /// <summary>All rules of an org (<c>GET /orgs/:id/rules</c>).</summary>
    public Task<IReadOnlyList<Rule>> ListAsync(string orgId, CancellationToken cancellationToken = default) =>
        _api.SendAsync<IReadOnlyList<Rule>>(HttpMethod.Get, $"orgs/{ApiTransport.Segment(orgId)}/rules?limit=1000", null, true, cancellationToken);

    /// <summary>One rule (<c>GET /rules/:id</c>).</summary>
    public Task<Rule> GetAsync(string ruleId, CancellationToken cancellationToken = default) =>
        _api.SendAsync<Rule>(HttpMethod.Get, Path(ruleId), null, true, cancellationToken);

    /// <summary>Creates a threshold rule (<c>POST /orgs/:id/rules</c>, rule_type threshold). 400 names the bad field.</summary>
    public Task<Rule> ThresholdAsync(string orgId, ThresholdRuleRequest rule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return _api.SendAsync<Rule>(HttpMethod.Post, $"orgs/{ApiTransport.Segment(orgId)}/rules", new CreateBody(rule.Name, "threshold",
            new ThresholdCondition(rule.Field, rule.Op, rule.Value, rule.ForSeconds, rule.ClearValue), rule.Action, rule.ClearAction, rule.Scope,
            rule.WebhookUrl, rule.WebhookPreset, rule.Notify), false, cancellationToken);
    }

    /// <summary>Creates a schedule rule (<c>POST /orgs/:id/rules</c>, rule_type schedule). time "HH:MM", days mon…sun.</summary>
    public Task<Rule> ScheduleAsync(string orgId, ScheduleRuleRequest rule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return _api.SendAsync<Rule>(HttpMethod.Post, $"orgs/{ApiTransport.Segment(orgId)}/rules", new CreateBody(rule.Name, "schedule",
            new ScheduleCondition(rule.Time, rule.Days), rule.Action, null, rule.Scope, rule.WebhookUrl, rule.WebhookPreset, rule.Notify),
            false, cancellationToken);
    }

    /// <summary>One rule with its per-device states, recent and next fires (<c>GET /rules/:id</c>).</summary>
    public Task<RuleDetail> GetDetailAsync(string ruleId, CancellationToken cancellationToken = default) =>
        _api.SendAsync<RuleDetail>(HttpMethod.Get, Path(ruleId), null, true, cancellationToken);

    /// <summary>
    /// Changes a rule (<c>PATCH /rules/:id</c>): <paramref name="changes"/> holds only the fields to change, with the API's
    /// snake_case names (name, condition, action, clear_action, scope, webhook_url, webhook_preset, notify, enabled).
    /// A changed condition, scope or enabled flag starts every device over in <c>ok</c>.
    /// </summary>
    /// <exception cref="EdgeConductorApiException">400 naming the bad field (<see cref="EdgeConductorApiException.Errors"/>), 404.</exception>
    public Task<Rule> UpdateAsync(string ruleId, IReadOnlyDictionary<string, object?> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return _api.SendAsync<Rule>(HttpMethod.Patch, Path(ruleId), changes, false, cancellationToken);
    }

    /// <summary>Dry run (<c>POST /rules/:id/test</c>): which in-scope devices the rule would fire for now; nothing is sent.</summary>
    public Task<RuleTestResult> TestAsync(string ruleId, CancellationToken cancellationToken = default) =>
        _api.SendAsync<RuleTestResult>(HttpMethod.Post, Path(ruleId) + "/test", null, true, cancellationToken);

    /// <summary>Turns the rule on (<c>PATCH /rules/:id {"enabled":true}</c>).</summary>
    public Task<Rule> EnableAsync(string ruleId, CancellationToken cancellationToken = default) =>
        _api.SendAsync<Rule>(HttpMethod.Patch, Path(ruleId), new EnabledBody(true), true, cancellationToken);

    /// <summary>Turns the rule off without deleting it (<c>{"enabled":false}</c>).</summary>
    public Task<Rule> DisableAsync(string ruleId, CancellationToken cancellationToken = default) =>
        _api.SendAsync<Rule>(HttpMethod.Patch, Path(ruleId), new EnabledBody(false), true, cancellationToken);

    /// <summary>Deletes the rule for good (<c>DELETE /rules/:id</c>).</summary>
    public async Task<Deleted> DeleteAsync(string ruleId, CancellationToken cancellationToken = default)
    {
        var d = await _api.SendAsync<DeletedBody>(HttpMethod.Delete, Path(ruleId), null, false, cancellationToken).ConfigureAwait(false);
        return new Deleted(d.Deleted, d.Id);
    }

    private static string Path(string ruleId) => "rules/" + ApiTransport.Segment(ruleId);
}
