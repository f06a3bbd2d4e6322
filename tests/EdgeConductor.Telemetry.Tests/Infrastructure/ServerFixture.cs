namespace EdgeConductor.Telemetry.Tests.Infrastructure;

/// <summary>One server shared by a collection of test classes; each test makes its own org and devices.</summary>
public class ServerFixture : IAsyncLifetime
{
    internal EcServer Server { get; private set; } = null!;

    protected virtual bool AllowAnonymous => false;

    public Task InitializeAsync()
    {
        Server = new EcServer(AllowAnonymous).Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>A server started with EC_MQTT_ALLOW_ANONYMOUS=true (the sandbox).</summary>
public sealed class AnonymousServerFixture : ServerFixture
{
    protected override bool AllowAnonymous => true;
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
