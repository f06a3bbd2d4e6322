using Dapper;
using EdgeConductor.Server.Storage;
using EdgeConductor.Server.Storage.Migrations;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeConductor.Server.Tests.Storage;

/// <summary>Migrations apply in order, once: re-running is a no-op, and only new versions are applied later.</summary>
public abstract class MigratorTests : IAsyncLifetime
{
    private Database _db = null!;

    protected abstract Task<Database> CreateDatabaseAsync();

    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _db = await CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        await CleanUpAsync();
    }

    private async Task<List<long>> AppliedAsync()
    {
        await using var conn = await _db.OpenAsync();
        return (await conn.QueryAsync<long>("SELECT version FROM schema_migrations ORDER BY version")).AsList();
    }

    private async Task<long> CountAsync(string table)
    {
        await using var conn = await _db.OpenAsync();
        return await conn.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}");
    }

    [Fact]
    public async Task RunningTwice_IsANoOp()
    {
        var migrator = new Migrator(_db, NullLogger<Migrator>.Instance);
        await migrator.MigrateAsync(Schema.All);
        var first = await AppliedAsync();
        Assert.Equal(Schema.All.Select(m => (long)m.Version).Order(), first);

        await migrator.MigrateAsync(Schema.All);
        Assert.Equal(first, await AppliedAsync());
        Assert.Equal(0, await CountAsync("devices"));
    }

    [Fact]
    public async Task NewVersion_IsAppliedAlone_AndPlaceholdersRender()
    {
        var migrator = new Migrator(_db, NullLogger<Migrator>.Instance);
        await migrator.MigrateAsync(Schema.All);
        var extra = new Migration(9_999, "test_table", """
            CREATE TABLE migrator_test (id {{AUTO_ID}}, payload {{BLOB}}, doc {{JSON}});
            """);
        await migrator.MigrateAsync([.. Schema.All, extra]);
        await migrator.MigrateAsync([.. Schema.All, extra]);

        Assert.Contains(9_999L, await AppliedAsync());
        await using var conn = await _db.OpenAsync();
        await conn.ExecuteAsync($"INSERT INTO migrator_test (payload, doc) VALUES (@p, {_db.JsonParam("d")})", new { p = new byte[] { 1, 2 }, d = "{\"a\":1}" });
        await conn.ExecuteAsync($"INSERT INTO migrator_test (payload, doc) VALUES (@p, {_db.JsonParam("d")})", new { p = new byte[] { 3 }, d = "{}" });
        var ids = (await conn.QueryAsync<long>("SELECT id FROM migrator_test ORDER BY id")).AsList();
        Assert.Equal([1L, 2L], ids); // {{AUTO_ID}} numbers rows
    }

    [Fact]
    public async Task FailingMigration_LeavesNoTraceAndIsRetriedNextTime()
    {
        var migrator = new Migrator(_db, NullLogger<Migrator>.Instance);
        await migrator.MigrateAsync(Schema.All);
        var broken = new Migration(9_998, "broken", "CREATE TABLE half_done (id TEXT PRIMARY KEY); THIS IS NOT SQL;");
        // The database's own syntax error (SqliteException / PostgresException), not some unrelated failure of the migrator.
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => migrator.MigrateAsync([.. Schema.All, broken]));
        Assert.DoesNotContain(9_998L, await AppliedAsync());

        var fixedUp = broken with { Sql = "CREATE TABLE half_done (id TEXT PRIMARY KEY);" };
        await migrator.MigrateAsync([.. Schema.All, fixedUp]);
        Assert.Contains(9_998L, await AppliedAsync());
        Assert.Equal(0, await CountAsync("half_done"));
    }
}

public sealed class MigratorTests_Sqlite : MigratorTests
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ec-migrate-" + Guid.NewGuid().ToString("N")[..8]);

    protected override Task<Database> CreateDatabaseAsync() => Task.FromResult(Database.Create(_dir, ""));

    protected override Task CleanUpAsync()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Sqlite_UsesWriteAheadLog()
    {
        await new Migrator(Database.Create(_dir, ""), NullLogger<Migrator>.Instance).MigrateAsync(Schema.All);
        await using var db = Database.Create(_dir, "");
        await using var conn = await db.OpenAsync();
        Assert.Equal("wal", await conn.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
    }
}

[Collection(PostgresCollection.Name)]
public sealed class MigratorTests_Postgres : MigratorTests
{
    private string _cs = "";

    protected override async Task<Database> CreateDatabaseAsync()
    {
        _cs = await (await PostgresTestServer.GetAsync()).CreateDatabaseAsync("migrator");
        return Database.Create("unused", _cs);
    }

    protected override async Task CleanUpAsync() => await (await PostgresTestServer.GetAsync()).DropDatabaseAsync(_cs);

    [Fact]
    public async Task Postgres_ConcurrentMigrators_ApplyEachVersionOnce()
    {
        var a = new Migrator(Database.Create("unused", _cs), NullLogger<Migrator>.Instance);
        var b = new Migrator(Database.Create("unused", _cs), NullLogger<Migrator>.Instance);
        await Task.WhenAll(a.MigrateAsync(Schema.All), b.MigrateAsync(Schema.All));
        await using var db = Database.Create("unused", _cs);
        await using var conn = await db.OpenAsync();
        Assert.Equal(Schema.All.Count, await conn.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations"));
    }
}
