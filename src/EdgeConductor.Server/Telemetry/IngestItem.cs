using EdgeConductor.Server.Gateway;

namespace EdgeConductor.Server.Telemetry;

/// <summary>
/// One validated message (one reading, or a buffered array of them) waiting for the group commit; <see cref="Done"/>
/// completes after the commit that holds all of its readings (a message is never split across transactions).
/// </summary>
internal sealed class IngestItem(DeviceRef device, DeviceMessageKind kind, IReadOnlyList<DevicePayload> payloads, long receivedAt)
{
    public DeviceRef Device { get; } = device;
    public DeviceMessageKind Kind { get; } = kind;
    public IReadOnlyList<DevicePayload> Payloads { get; } = payloads;
    public long ReceivedAt { get; } = receivedAt;

    /// <summary>How many of <see cref="Payloads"/> were re-sent duplicates of stored readings (set by the writer before <see cref="Done"/>).</summary>
    public int Duplicates { get; set; }

    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
