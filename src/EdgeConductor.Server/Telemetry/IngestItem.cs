using EdgeConductor.Server.Gateway;

namespace EdgeConductor.Server.Telemetry;

/// <summary>One validated message waiting for the group commit; <see cref="Done"/> completes after the commit.</summary>
internal sealed class IngestItem(DeviceRef device, DeviceMessageKind kind, DevicePayload payload, long receivedAt)
{
    public DeviceRef Device { get; } = device;
    public DeviceMessageKind Kind { get; } = kind;
    public DevicePayload Payload { get; } = payload;
    public long ReceivedAt { get; } = receivedAt;
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
