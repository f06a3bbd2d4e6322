namespace EdgeConductor.Server.Devices;

/// <summary>
/// Endpoint metadata: this route verifies the <see cref="DeviceCredential.HeaderName"/> header itself (through
/// <see cref="DeviceCredential.RequireDeviceOrCallerAsync"/>) and charges a device's requests to that device's own
/// limit. Only such routes are exempt from the anonymous per-IP limit, and only when the header is present; any other
/// route treats the header as noise (see <see cref="Tenancy.PlanRateLimitMiddleware"/>).
/// </summary>
public sealed class DeviceCredentialEndpoint
{
    /// <summary>The one instance every marked route carries.</summary>
    public static DeviceCredentialEndpoint Instance { get; } = new();

    private DeviceCredentialEndpoint() { }

    /// <summary>True when the endpoint of <paramref name="http"/> verifies the device credential header.</summary>
    public static bool Verifies(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<DeviceCredentialEndpoint>() is not null;
}

/// <summary>Marks routes that authenticate devices by <see cref="DeviceCredential.HeaderName"/>.</summary>
public static class DeviceCredentialEndpointExtensions
{
    /// <summary>Declares that the route checks X-Device-Secret itself (its handler calls <see cref="DeviceCredential.RequireDeviceOrCallerAsync"/>).</summary>
    public static TBuilder VerifiesDeviceCredential<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(DeviceCredentialEndpoint.Instance);
}
