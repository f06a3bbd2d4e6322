using System.Data.Common;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace EdgeConductor.Server.Storage;

/// <summary>
/// A statement prepared once on an open SQLite connection (inside whatever transaction it has) and executed many times,
/// its values bound by position through SQLite's C API. For the per-row loops of the telemetry writer: Microsoft.Data.Sqlite's
/// command looks up every parameter's index by name on every execution, which cost more than the insert itself.
/// </summary>
public sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;

    private SqliteStatement(sqlite3 db, sqlite3_stmt stmt)
    {
        _db = db;
        _stmt = stmt;
    }

    /// <param name="sql">One statement with positional parameters <c>?1</c>, <c>?2</c>, …</param>
    public static SqliteStatement Prepare(DbConnection connection, string sql)
    {
        var db = ((SqliteConnection)connection).Handle ?? throw new InvalidOperationException("the connection is not open");
        Check(raw.sqlite3_prepare_v2(db, sql, out var stmt), db);
        return new SqliteStatement(db, stmt);
    }

    public SqliteStatement Bind(int position, string? value)
    {
        Check(value is null ? raw.sqlite3_bind_null(_stmt, position) : raw.sqlite3_bind_text(_stmt, position, value), _db);
        return this;
    }

    /// <summary>Binds text that is already UTF-8 encoded, without a conversion.</summary>
    public SqliteStatement BindUtf8(int position, ReadOnlySpan<byte> utf8)
    {
        Check(raw.sqlite3_bind_text(_stmt, position, utf8), _db);
        return this;
    }

    public SqliteStatement Bind(int position, long value)
    {
        Check(raw.sqlite3_bind_int64(_stmt, position, value), _db);
        return this;
    }

    /// <summary>Runs the statement (one that returns no rows) and resets it for the next values; returns the rows changed.</summary>
    public int Execute()
    {
        var rc = raw.sqlite3_step(_stmt);
        raw.sqlite3_reset(_stmt);
        if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, _db);
        return raw.sqlite3_changes(_db);
    }

    /// <summary>Runs a query and returns the text of its first column for every row, then resets it for the next values.</summary>
    public List<string> QueryFirstColumnText()
    {
        var values = new List<string>();
        int rc;
        while ((rc = raw.sqlite3_step(_stmt)) == raw.SQLITE_ROW) values.Add(raw.sqlite3_column_text(_stmt, 0).utf8_to_string());
        raw.sqlite3_reset(_stmt);
        if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, _db);
        return values;
    }

    public void Dispose() => _stmt.Dispose();

    private static void Check(int rc, sqlite3 db)
    {
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, db);
    }
}
