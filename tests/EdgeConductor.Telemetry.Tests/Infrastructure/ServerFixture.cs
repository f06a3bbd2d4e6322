namespace EdgeConductor.Telemetry.Tests.Infrastructure;

/// <summary>One server shared by a collection of test classes; each test makes its own org and devices.</summary>
public class ServerFixture : IAsyncLifetime
{
    internal EcServer Server { get; private set; } = null!;

    protected virtual bool AllowAnonymous => false;

    /// <summary>EC_DATABASE for the server: null = SQLite.</summary>
    protected virtual Task<string?> DatabaseAsync() => Task.FromResult<string?>(null);

    public virtual async Task InitializeAsync()
    {
        var database = await DatabaseAsync();
        Server = new EcServer(AllowAnonymous, database).Start();
    }

    public virtual async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// The same server on a fresh database of the shared throwaway PostgreSQL cluster (tests/EdgeConductor.Testing), for the
/// hot-path SQL that differs between engines (aggregates, JSON access, row locks).
/// </summary>
public sealed class PostgresServerFixture : ServerFixture
{
    private string? _connectionString;

    protected override async Task<string?> DatabaseAsync()
    {
        var pg = await EdgeConductor.Testing.PostgresTestServer.GetAsync();
        return _connectionString = await pg.CreateDatabaseAsync("hot");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_connectionString is not null)
            await (await EdgeConductor.Testing.PostgresTestServer.GetAsync()).DropDatabaseAsync(_connectionString);
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServerFixture>
{
    public const string Name = "postgres";
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
