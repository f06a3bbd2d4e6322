using System.Text.Json.Nodes;
using EdgeConductor.Server.Gateway;

namespace EdgeConductor.Server.Telemetry;

/// <summary>
/// One telemetry reading as committed: the device as its row stood in the committing transaction (its current org),
/// the reading time and receive time (Unix ms), and the readings without <c>ts</c>. Only newly stored readings are
/// reported: a re-sent duplicate that was not stored again is not.
/// </summary>
public sealed record CommittedReading(DeviceRef Device, long Ts, long ReceivedAt, IReadOnlyList<KeyValuePair<string, JsonNode?>> Readings);

/// <summary>
/// Features that act on telemetry as it is committed (rules, anomaly detection, OTA version confirmation) register
/// one of these as a singleton. <see cref="TelemetryWriter"/> calls every observer after each committed batch, after the
/// acknowledgements were released, in commit order, on its own loop: an observer must return quickly (hand the
/// readings to its own queue or channel and do the work elsewhere) and must not throw (a thrown exception is logged
/// and the other observers still run). Readings are never reported for a batch that failed to commit.
/// </summary>
public interface ITelemetryObserver
{
    /// <summary>Called once per committed batch with the batch's telemetry readings (never empty).</summary>
    ValueTask OnCommittedAsync(IReadOnlyList<CommittedReading> readings, CancellationToken ct);
}
