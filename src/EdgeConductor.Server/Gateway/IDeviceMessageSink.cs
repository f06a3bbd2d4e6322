namespace EdgeConductor.Server.Gateway;

/// <summary>Where the gateway hands every device → cloud message (implemented by Telemetry).</summary>
public interface IDeviceMessageSink
{
    /// <summary>
    /// Validates and durably stores the message; completes only after it is committed, so the transport may
    /// acknowledge it (MQTT PUBACK) when this returns <see cref="IngestResult.Accepted"/>.
    /// </summary>
    ValueTask<IngestResult> ReceiveAsync(DeviceRef device, DeviceMessageKind kind, ReadOnlyMemory<byte> payload, CancellationToken ct);
}
