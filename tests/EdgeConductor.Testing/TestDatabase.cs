namespace EdgeConductor.Testing;

/// <summary>The storage engine a test server runs on.</summary>
public enum TestDatabase
{
    Sqlite,
    Postgres,
}
