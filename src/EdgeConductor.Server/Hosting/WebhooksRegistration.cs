using EdgeConductor.Server.Webhooks;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeConductor.Server.Hosting;

internal static class WebhooksRegistration
{
    /// <summary>The webhook outbox (<see cref="IWebhookOutbox"/>), its worker, the secret store and the sender.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection s, IConfiguration config)
    {
        s.TryAddSingleton(WebhookOptions.FromConfiguration(config));
        s.AddSingleton<WebhookSignal>();
        s.AddSingleton<WebhookDeliveryStore>();
        s.AddSingleton<WebhookSecretStore>();
        s.AddSingleton<WebhookSender>();
        s.AddSingleton<WebhookOutbox>();
        s.AddSingleton<IWebhookOutbox>(sp => sp.GetRequiredService<WebhookOutbox>());
        s.AddSingleton<WebhookWorker>();
        s.AddHostedService(sp => sp.GetRequiredService<WebhookWorker>());
        return s;
    }
}
