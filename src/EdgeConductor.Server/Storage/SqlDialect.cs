namespace EdgeConductor.Server.Storage;

/// <summary>The few SQL fragments that differ between SQLite and PostgreSQL. Everything else is shared SQL.</summary>
public static class SqlDialect
{
    /// <summary>A JSON parameter written into a {{JSON}} column (TEXT on SQLite, JSONB on PostgreSQL).</summary>
    public static string JsonParam(this Database db, string name) =>
        db.Engine == DbEngine.Postgres ? $"CAST(@{name} AS jsonb)" : $"@{name}";

    /// <summary>The JSON column as text, for reading back.</summary>
    public static string JsonText(this Database db, string column) =>
        db.Engine == DbEngine.Postgres ? $"{column}::text" : column;

    /// <summary>
    /// The numeric value of top-level member @<paramref name="keyParam"/> of a JSON column, or NULL when it is neither a
    /// number nor a boolean: true counts as 1 and false as 0, so the average of a boolean metric (gps_fix, relay) is the
    /// share of true readings.
    /// </summary>
    public static string JsonNumber(this Database db, string column, string keyParam) => db.Engine == DbEngine.Postgres
        ? $"(CASE jsonb_typeof({column} -> @{keyParam}) WHEN 'number' THEN ({column} ->> @{keyParam})::double precision " +
          $"WHEN 'boolean' THEN (CASE WHEN ({column} -> @{keyParam}) = 'true'::jsonb THEN 1.0 ELSE 0.0 END) END)"
        : $"(CASE json_type({column}, '$.' || @{keyParam}) WHEN 'integer' THEN json_extract({column}, '$.' || @{keyParam}) " +
          $"WHEN 'real' THEN json_extract({column}, '$.' || @{keyParam}) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)";

    /// <summary>Row lock for read-modify-write inside a transaction (SQLite's write transaction already locks the database).</summary>
    public static string ForUpdate(this Database db) => db.Engine == DbEngine.Postgres ? " FOR UPDATE" : "";
}
