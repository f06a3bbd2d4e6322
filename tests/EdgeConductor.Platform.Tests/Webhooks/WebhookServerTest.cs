using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Platform.Tests.Webhooks;

/// <summary>
/// A test class's own real server (the real outbox, private addresses allowed so it can reach loopback) and a real HTTP
/// receiver, started before and disposed after the class's tests.
/// </summary>
public abstract class WebhookServerTest : IAsyncLifetime
{
    internal EcServer Server { get; private set; } = null!;
    internal WebhookReceiver Receiver { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = WebhookTestServer.Start(WebhookTestServer.Options());
        Receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Receiver.DisposeAsync();
        await Server.DisposeAsync();
    }
}
