namespace EdgeConductor.Sdk.Notifications;

/// <summary>The caller's notification e-mail preferences (<c>GET/PUT /users/me/notification-preferences</c>).</summary>
/// <param name="EmailEnabled">False = no notification e-mail at all.</param>
/// <param name="EmailKinds">The kinds e-mailed (device_offline, device_online, anomaly, firmware_uploaded, rule_fired, webhook_failing).</param>
/// <param name="AvailableKinds">Every kind there is.</param>
public sealed record NotificationPreferences(bool EmailEnabled, IReadOnlyList<string> EmailKinds, IReadOnlyList<string> AvailableKinds);
