namespace EdgeConductor.Server.Gateway;

/// <summary>
/// A device → cloud topic of a feature beyond telemetry and shadow/reported (OTA: devices/{serial}/ota/status). The
/// broker's device ACL lets a device publish devices/{own serial}/{<see cref="TopicSuffix"/>} and hands the payload here;
/// a rejected result is answered with a reason code (MQTT 5 PUBACK 0x99 payload format invalid).
/// </summary>
public interface IDeviceReportHandler
{
    /// <summary>The topic tail after devices/{serial}/, e.g. <c>ota/status</c>.</summary>
    string TopicSuffix { get; }

    /// <summary>Applies the message; completes when it is durably applied.</summary>
    ValueTask<IngestResult> HandleAsync(DeviceRef device, ReadOnlyMemory<byte> payload, CancellationToken ct);
}
