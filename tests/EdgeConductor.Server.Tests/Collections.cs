namespace EdgeConductor.Server.Tests;

/// <summary>Test classes on PostgreSQL share the one throwaway cluster (each class still gets its own database).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresClusterFixture>
{
    public const string Name = "postgres";
}
