using Xunit;

namespace EdgeConductor.Testing;

/// <summary>
/// Collection fixture for PostgreSQL test classes: makes sure the shared cluster is up (or fails with the reason and
/// what to do) before any class in the collection starts its server. The cluster itself lives until process exit.
/// </summary>
public sealed class PostgresClusterFixture : IAsyncLifetime
{
    public PostgresTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PostgresTestServer.GetAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}
