using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Notifications;

namespace EdgeConductor.Server.Webhooks;

/// <summary>
/// Delivers the outbox. Each pass claims due deliveries (see <see cref="WebhookDeliveryStore.ClaimDueAsync"/>), groups
/// them by URL and sends each group in its own task, one after another, while other URLs proceed in parallel: a slow or
/// dead endpoint holds only its own deliveries (and its circuit breaker stops even those after
/// <see cref="WebhookOptions.BreakerThreshold"/> consecutive failures). URLs with a group in flight are not claimed again
/// until it finishes.
/// </summary>
public sealed class WebhookWorker(WebhookDeliveryStore store, WebhookSecretStore secrets, WebhookSender sender, WebhookOptions options,
    WebhookSignal signal, INotifier notifier, TimeProvider clock, ILogger<WebhookWorker> log) : BackgroundService
{
    private readonly ConcurrentDictionary<string, Task> _busy = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var full = false;
            try
            {
                if (_busy.Count < options.MaxConcurrentEndpoints) full = await ClaimAndStartAsync(stoppingToken) >= options.ClaimBatch;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogError(ex, "Webhook worker: claiming due deliveries failed");
            }
            if (full) continue;
            try
            {
                await signal.WaitAsync(options.PollInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        await Task.WhenAll(_busy.Values);
    }

    private async Task<int> ClaimAndStartAsync(CancellationToken ct)
    {
        var token = Ids.New();
        var now = clock.Ms();
        var lease = (long)((options.Timeout + TimeSpan.FromSeconds(5)) * options.ClaimBatch + TimeSpan.FromMinutes(1)).TotalMilliseconds;
        var rows = await store.ClaimDueAsync(token, now, now + lease, options.ClaimBatch, _busy.Keys.ToList(), ct);
        foreach (var group in rows.GroupBy(r => r.Url))
        {
            var list = group.ToList();
            var gate = new TaskCompletionSource();
            _busy[group.Key] = gate.Task;
            _ = Task.Run(async () =>
            {
                try
                {
                    await DeliverGroupAsync(list, token, ct);
                }
                finally
                {
                    _busy.TryRemove(group.Key, out _);
                    gate.SetResult();
                    signal.Wake();
                }
            }, CancellationToken.None);
        }
        return rows.Count;
    }

    private async Task DeliverGroupAsync(IReadOnlyList<WebhookDeliveryRow> rows, string token, CancellationToken ct)
    {
        foreach (var row in rows)
        {
            try
            {
                await DeliverAsync(row, token, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Shutting down: hand the delivery back (no attempt counted) so the next start or another instance sends it.
                await store.RecordAttemptAsync(row.Id, token, DeliveryStatus.Pending, row.NextAttemptAt ?? clock.Ms(), null, null,
                    row.LastError, countsAsAttempt: false, clock.Ms(), CancellationToken.None);
            }
            catch (Exception ex)
            {
                log.LogError(ex, "Webhook delivery {Id} failed unexpectedly; it is retried when its claim expires", row.Id);
            }
        }
    }

    private async Task DeliverAsync(WebhookDeliveryRow row, string token, CancellationToken ct)
    {
        var endpoint = await store.FindEndpointAsync(row.OrgId, row.Url, ct);
        var now = clock.Ms();
        if (endpoint?.DisabledAt is { } disabledAt)
        {
            await store.RecordAttemptAsync(row.Id, token, DeliveryStatus.Failed, null, null, null,
                $"not sent: the URL answered 410 Gone at {Times.Iso(disabledAt)} and is disabled for this org (replay a delivery to enable it)",
                countsAsAttempt: false, now, ct);
            return;
        }
        if (endpoint?.OpenUntil is { } openUntil && openUntil > now)
        {
            await store.RecordAttemptAsync(row.Id, token, DeliveryStatus.Pending, openUntil, null, null,
                $"circuit breaker open after {endpoint.ConsecutiveFailures} consecutive failures; next try at {Times.Iso(openUntil)}",
                countsAsAttempt: false, now, ct);
            return;
        }
        if ((WebhookUrl.Validate(row.Url) ?? WebhookUrl.ValidatePreset(row.Preset, row.Url)) is { } invalid)
        {
            await store.RecordAttemptAsync(row.Id, token, DeliveryStatus.Failed, null, null, null, "invalid URL: " + invalid, false, now, ct);
            return;
        }

        var keys = await secrets.SigningSecretsAsync(row.OrgId, ct);
        var payload = JsonNode.Parse(row.Payload) as JsonObject ?? [];
        var body = WebhookPresets.Render(row.Preset, payload, row.Url);
        var ts = clock.GetUtcNow().ToUnixTimeSeconds();
        var result = await sender.SendAsync(row.Url, row.MessageId, ts, WebhookSignature.Header(keys, row.MessageId, ts, body), body, ct);

        now = clock.Ms();
        var attempts = (int)row.Attempts + 1;
        switch (result.Outcome)
        {
            case AttemptOutcome.Succeeded:
                await store.RecordAttemptAsync(row.Id, token, DeliveryStatus.Succeeded, null, result.StatusCode, result.LatencyMs, null, true, now, ct);
                await store.RecordEndpointSuccessAsync(row.OrgId, row.Url, now, ct);
                return;
            case AttemptOutcome.Gone:
                await store.RecordAttemptAsync(row.Id, token, DeliveryStatus.Failed, null, result.StatusCode, result.LatencyMs, result.Error, true, now, ct);
                await store.DisableEndpointAsync(row.OrgId, row.Url, now, ct);
                return;
            case AttemptOutcome.Retry:
                var next = RetrySchedule.Next(options, row.CreatedAt, now, attempts, Random.Shared.NextDouble(), result.RetryAfter);
                await store.RecordAttemptAsync(row.Id, token, next is null ? DeliveryStatus.Failed : DeliveryStatus.Pending, next,
                    result.StatusCode, result.LatencyMs,
                    next is null ? $"{result.Error}; gave up after {attempts} attempts (retry period {options.RetryPeriod.TotalHours:0.##} h)" : result.Error,
                    true, now, ct);
                break;
            default:
                await store.RecordAttemptAsync(row.Id, token, DeliveryStatus.Failed, null, result.StatusCode, result.LatencyMs, result.Error, true, now, ct);
                break;
        }
        await RecordEndpointFailureAsync(row, result, now, ct);
    }

    private async Task RecordEndpointFailureAsync(WebhookDeliveryRow row, AttemptResult result, long now, CancellationToken ct)
    {
        var openUntil = now + (long)options.BreakerCooldown.TotalMilliseconds;
        var failures = await store.RecordEndpointFailureAsync(row.OrgId, row.Url, options.BreakerThreshold, openUntil, now, ct);
        if (failures < options.NotifyAfterFailures) return;
        if (!await store.TryMarkFailingNotifiedAsync(row.OrgId, row.Url, options.NotifyAfterFailures, now, ct)) return;
        var url = WebhookUrl.Redact(row.Url);
        await notifier.NotifyAsync(new NotificationEvent(row.OrgId, NotificationKinds.WebhookFailing, "warning",
            $"Webhook failing: {url}", $"{failures} consecutive deliveries failed; last: {result.Error}", null,
            new Dictionary<string, object?> { ["url"] = url, ["consecutive_failures"] = failures, ["last_error"] = result.Error,
                ["rule_id"] = row.RuleId }), ct);
    }
}
