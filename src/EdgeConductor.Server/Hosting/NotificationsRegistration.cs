using EdgeConductor.Server.Notifications;
using EdgeConductor.Server.Notifications.Email;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeConductor.Server.Hosting;

internal static class NotificationsRegistration
{
    /// <summary>
    /// The notification bell, its live events and e-mail (docs/notifications.md): replaces the store-only
    /// <see cref="INotifier"/> registered with the telemetry features by <see cref="Notifier"/>.
    /// </summary>
    public static IServiceCollection AddNotifications(this IServiceCollection s, IConfiguration config)
    {
        s.TryAddSingleton(NotificationOptions.FromConfiguration(config));
        s.TryAddSingleton<NotificationStore>();
        s.AddSingleton<NotificationPreferenceStore>();
        s.AddSingleton<EmailOutboxStore>();
        s.AddSingleton<EmailRecipients>();
        s.AddSingleton<EmailWakeSignal>();
        s.AddSingleton<SmtpEmailSender>();
        s.RemoveAll<INotifier>();
        s.AddSingleton<INotifier, Notifier>();
        s.AddSingleton<NotificationEmailWorker>();
        s.AddHostedService(sp => sp.GetRequiredService<NotificationEmailWorker>());
        return s;
    }
}
