namespace EdgeConductor.Server.Notifications;

/// <summary>
/// Something happened that an org's people should hear about (seed 001 "Notification bell"). <see cref="Kind"/> is one
/// of <see cref="NotificationKinds"/>; <see cref="Severity"/> is <c>info</c>, <c>warning</c> or <c>critical</c>;
/// <see cref="Data"/> carries the kind's structured details (for an anomaly: field, value, baseline, deviation_pct) that
/// richer channels such as e-mail render.
/// </summary>
public sealed record NotificationEvent(string OrgId, string Kind, string Severity, string Title, string? Body,
    string? DeviceSerial, IReadOnlyDictionary<string, object?>? Data = null);

/// <summary>The notification kinds (seed 000 / 001 and the anomaly, rules and OTA issues).</summary>
public static class NotificationKinds
{
    public const string DeviceOffline = "device_offline";
    public const string DeviceOnline = "device_online";
    public const string Anomaly = "anomaly";
    public const string FirmwareUploaded = "firmware_uploaded";
    public const string RuleFired = "rule_fired";
    public const string WebhookFailing = "webhook_failing";
}

/// <summary>
/// The one way features raise a notification. Every feature calls this and nothing else; the implementation decides
/// the channels (the in-app bell, live events, e-mail).
/// </summary>
public interface INotifier
{
    /// <summary>Stores the notification (durably, before returning) and hands it to every channel.</summary>
    Task NotifyAsync(NotificationEvent e, CancellationToken ct);
}

/// <summary>The in-app bell only: stores the notification row (replaced by <see cref="Notifier"/> in AddNotifications).</summary>
internal sealed class StoreNotifier(NotificationStore store) : INotifier
{
    /// <inheritdoc />
    public Task NotifyAsync(NotificationEvent e, CancellationToken ct) => store.CreateAsync(e, ct);
}
