namespace EdgeConductor.Server.Storage.Migrations;

/// <summary>
/// One schema step. <see cref="Sql"/> may use the placeholders {{AUTO_ID}} and {{BLOB}}, which the migrator
/// replaces with the engine's identity column and binary type.
/// </summary>
public sealed record Migration(int Version, string Name, string Sql);
