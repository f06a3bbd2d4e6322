using System.Data.Common;

namespace EdgeConductor.Server.Storage;

/// <summary>For hot paths that re-bind one command many times instead of building one per row (Dapper builds one per call).</summary>
public static class DbCommandExtensions
{
    /// <summary>Adds an untyped parameter and returns it, so the caller can set <see cref="DbParameter.Value"/> per execution.</summary>
    public static DbParameter AddParameter(this DbCommand cmd, string name)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        cmd.Parameters.Add(p);
        return p;
    }
}
