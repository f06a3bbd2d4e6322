using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EdgeConductor.Server.Storage;

/// <summary>
/// The one way features reach the database: SQLite (embedded default, WAL) or PostgreSQL, with the same SQL.
/// Times are stored as Unix milliseconds (BIGINT), ids as text, JSON documents as text, so the schema is portable.
/// </summary>
public sealed class Database : IAsyncDisposable
{
    private readonly string _sqliteConnectionString = "";
    private readonly string _sqlitePragmas = "";
    private readonly NpgsqlDataSource? _postgres;

    static Database()
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    public DbEngine Engine { get; }

    /// <summary>Where the data lives, for logs (never the password).</summary>
    public string Description { get; }

    private Database(DbEngine engine, string description, string sqlite, NpgsqlDataSource? postgres, string synchronous = "FULL")
    {
        _sqlitePragmas = $"PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON; PRAGMA synchronous={synchronous};";
        Engine = engine;
        Description = description;
        _sqliteConnectionString = sqlite;
        _postgres = postgres;
    }

    /// <param name="sqliteSynchronous">"full" (every commit fsynced) or "normal" (WAL: fsync at checkpoints); see EcOptions.</param>
    /// <param name="log">Where tightening of a too-open data folder or file is reported (see <see cref="DataDirectory"/>).</param>
    public static Database Create(string dataDir, string connectionString, string sqliteSynchronous = "full", ILogger? log = null)
    {
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            var source = new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
            return new Database(DbEngine.Postgres, $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}", "", source);
        }
        var path = Path.Combine(DataDirectory.Prepare(dataDir, log), "edgeconductor.db");
        // Created 0600 before SQLite opens it: SQLite would create it 0644, and gives -wal/-shm the database's mode.
        DataDirectory.CreatePrivateFile(path);
        var cs = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
        var synchronous = sqliteSynchronous.Equals("normal", StringComparison.OrdinalIgnoreCase) ? "NORMAL" : "FULL";
        return new Database(DbEngine.Sqlite, $"SQLite {path} (synchronous={synchronous})", cs, null, synchronous);
    }

    public async ValueTask<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        if (_postgres is not null) return await _postgres.OpenConnectionAsync(ct);
        var conn = new SqliteConnection(_sqliteConnectionString);
        await conn.OpenAsync(ct);
        // Per-connection settings; journal_mode=WAL is persistent and set by the migrator.
        await conn.ExecuteAsync(_sqlitePragmas);
        return conn;
    }

    /// <summary>
    /// <c>column IN (@name0, @name1, …)</c> with one parameter per value added to <paramref name="p"/>. Use this instead of
    /// Dapper's <c>IN @list</c>, which Dapper sends to Npgsql as one array parameter (<c>IN $1</c>, a syntax error on
    /// PostgreSQL). An empty list gives a condition that is always false.
    /// </summary>
    public static string InList(string column, string name, IEnumerable<string> values, DynamicParameters p)
    {
        var names = new List<string>();
        foreach (var v in values)
        {
            var n = name + names.Count;
            p.Add(n, v);
            names.Add("@" + n);
        }
        return names.Count == 0 ? "1=0" : $"{column} IN ({string.Join(", ", names)})";
    }

    /// <summary>True when <paramref name="ex"/> is a unique-constraint violation on either engine.</summary>
    public static bool IsUniqueViolation(Exception ex) => ex switch
    {
        SqliteException s => s.SqliteErrorCode == 19 && s.SqliteExtendedErrorCode is 2067 or 1555,
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null) await _postgres.DisposeAsync();
        else SqliteConnection.ClearAllPools();
    }
}
