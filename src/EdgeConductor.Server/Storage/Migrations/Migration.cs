namespace EdgeConductor.Server.Storage.Migrations;

/// <summary>
/// One schema step. <see cref="Sql"/> may use the placeholders {{AUTO_ID}}, {{BLOB}} and {{JSON}}, which the
/// migrator replaces with the engine's identity column, binary type and JSON type (TEXT / JSONB).
/// </summary>
public sealed record Migration(int Version, string Name, string Sql);
