using System.Text.Json.Nodes;
using EdgeConductor.Server.Audit;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Gateway;
using EdgeConductor.Server.Notifications;
using EdgeConductor.Server.Shadow;
using EdgeConductor.Server.Webhooks;

namespace EdgeConductor.Server.Rules;

/// <summary>
/// What happens when a rule fires for a device: the action goes through <see cref="DesiredStateService"/> (stored,
/// published to <c>devices/{serial}/shadow/desired</c>, <c>config_pushed</c> audit), then the <c>rule_fired</c> audit
/// event, <c>last_fired</c>/fire count, the webhook (handed to the durable outbox, never awaited on the network) and the
/// optional notification. A failure is recorded as the rule's <c>last_error</c>; it never escapes to the engine.
/// </summary>
public sealed class RuleActions(DesiredStateService desired, AuditLog audit, RuleStore rules, INotifier notifier,
    IEnumerable<IWebhookOutbox> outboxes, TimeProvider clock, ILogger<RuleActions> log)
{
    private readonly IWebhookOutbox? _outbox = outboxes.LastOrDefault();

    /// <summary>Runs the rule's action for <paramref name="device"/>; <paramref name="trigger"/> goes into the audit details. True on success.</summary>
    public async Task<bool> FireAsync(Rule rule, DeviceRef device, long triggeredAt, object? trigger, CancellationToken ct)
    {
        try
        {
            await desired.PatchAsync(device, rule.Action.ToPatch(), null,
                new AuditEntry(rule.OrgId, AuditActions.ConfigPushed, "rule", rule.Id), ct);
            await audit.WriteAsync(new AuditEntry(rule.OrgId, AuditActions.RuleFired, "rule", rule.Id, "rule", rule.Id, new
            {
                rule_name = rule.Record.Name, rule_type = rule.Record.RuleType, device_serial = device.Serial,
                action = rule.Action.ToJson(), trigger, triggered_at = Times.Iso(triggeredAt),
            }), ct);
            await rules.RecordFiredAsync(rule.Id, triggeredAt, ct);
            if (rule.Record.WebhookUrl is { } url && _outbox is not null)
                await _outbox.EnqueueAsync(new WebhookMessage(rule.OrgId, url, rule.Record.WebhookPreset, "rule_fired",
                    WebhookPayload(rule, device.Serial, triggeredAt), rule.Id), ct);
            if (rule.Record.Notify == 1)
                await notifier.NotifyAsync(new NotificationEvent(rule.OrgId, NotificationKinds.RuleFired, "info",
                    $"Rule '{rule.Record.Name}' fired", $"{rule.Action.Key} = {rule.Action.Value?.ToJsonString() ?? "null"} on {device.Serial}",
                    device.Serial, new Dictionary<string, object?> { ["rule_id"] = rule.Id, ["rule_type"] = rule.Record.RuleType }), ct);
            return true;
        }
        catch (Exception ex) when (ex is ApiException or System.Data.Common.DbException or InvalidOperationException or HttpRequestException)
        {
            await RecordErrorAsync(rule, $"firing for {device.Serial}: {ex.Message}");
            return false;
        }
    }

    /// <summary>Runs the rule's clear_action (if any) for <paramref name="device"/> when it leaves firing.</summary>
    public async Task ClearAsync(Rule rule, DeviceRef device, CancellationToken ct)
    {
        if (rule.ClearAction is not { } clear) return;
        try
        {
            await desired.PatchAsync(device, clear.ToPatch(), null, new AuditEntry(rule.OrgId, AuditActions.ConfigPushed, "rule", rule.Id), ct);
        }
        catch (Exception ex) when (ex is ApiException or System.Data.Common.DbException or InvalidOperationException)
        {
            await RecordErrorAsync(rule, $"clear action for {device.Serial}: {ex.Message}");
        }
    }

    /// <summary>Records <paramref name="error"/> as the rule's last error (logged too).</summary>
    public async Task RecordErrorAsync(Rule rule, string error)
    {
        log.LogWarning("Rule {RuleId}: {Error}", rule.Id, error);
        try
        {
            await rules.RecordErrorAsync(rule.Id, error, clock.Ms(), CancellationToken.None);
        }
        catch (System.Data.Common.DbException ex)
        {
            log.LogWarning(ex, "Rule {RuleId}: could not record the error", rule.Id);
        }
    }

    /// <summary>Seed 001: <c>{"event":"rule_fired","rule_name","rule_type","device_serial","action":{"key","value"},"triggered_at"}</c>.</summary>
    public static JsonObject WebhookPayload(Rule rule, string serial, long triggeredAt) => new()
    {
        ["event"] = "rule_fired",
        ["rule_name"] = rule.Record.Name,
        ["rule_type"] = rule.Record.RuleType,
        ["device_serial"] = serial,
        ["action"] = rule.Action.ToJson(),
        ["triggered_at"] = Times.Iso(triggeredAt),
    };
}
