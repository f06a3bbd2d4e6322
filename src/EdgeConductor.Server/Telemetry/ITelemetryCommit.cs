using System.Data.Common;

namespace EdgeConductor.Server.Telemetry;

/// <summary>
/// The storage seam of the group commit: the one call that makes a telemetry batch durable. <see cref="TelemetryWriter"/>
/// releases a batch's acknowledgements (MQTT PUBACK/PUBREC, HTTP 200) only after this returns, and none of them when it
/// throws. The server uses <see cref="TelemetryCommit"/>; the durability tests replace it (through the test host's
/// services) with one that makes the commit fail with a real database error, to prove that a failed commit is never
/// acknowledged.
/// </summary>
internal interface ITelemetryCommit
{
    /// <summary>Commits <paramref name="tx"/>, which holds the batch's telemetry rows and reported state; throws if it is not stored.</summary>
    Task CommitAsync(DbTransaction tx);
}

/// <summary>The production <see cref="ITelemetryCommit"/>: commits the transaction.</summary>
internal sealed class TelemetryCommit : ITelemetryCommit
{
    /// <inheritdoc />
    public Task CommitAsync(DbTransaction tx) => tx.CommitAsync();
}
