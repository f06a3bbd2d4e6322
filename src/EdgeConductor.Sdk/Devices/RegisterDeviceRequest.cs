namespace EdgeConductor.Sdk.Devices;

/// <summary>The body of <c>POST /devices/register</c>.</summary>
/// <param name="SerialNo">1–64 characters of letters, digits, '_', '.' and '-'.</param>
/// <param name="ProductType">The product type, e.g. <c>EC-CLIMATE-V1</c>.</param>
/// <param name="FwVersion">The firmware version, if known.</param>
/// <param name="OrgId">The owning org; defaults to the org of the API key.</param>
public sealed record RegisterDeviceRequest(string SerialNo, string ProductType, string? FwVersion = null, string? OrgId = null);
