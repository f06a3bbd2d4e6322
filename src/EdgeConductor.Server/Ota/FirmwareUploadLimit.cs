using Microsoft.AspNetCore.Http.Metadata;

namespace EdgeConductor.Server.Ota;

/// <summary>Endpoint metadata: the firmware upload accepts <see cref="OtaOptions.MaxFirmwareBytes"/> plus 64 KB of multipart framing and fields.</summary>
internal sealed class FirmwareUploadLimit(long maxFirmwareBytes) : IRequestSizeLimitMetadata
{
    public long? MaxRequestBodySize { get; } = maxFirmwareBytes + 64 * 1024;
}
