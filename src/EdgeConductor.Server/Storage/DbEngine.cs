namespace EdgeConductor.Server.Storage;

public enum DbEngine
{
    Sqlite,
    Postgres,
}
