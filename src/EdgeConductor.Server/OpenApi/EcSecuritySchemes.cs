using Microsoft.OpenApi;

namespace EdgeConductor.Server.OpenApi;

/// <summary>
/// The two credentials of the HTTP API, as OpenAPI security schemes (components.securitySchemes):
/// <list type="bullet">
/// <item><c>bearer</c> — <c>Authorization: Bearer &lt;credential&gt;</c>, where the credential is either an org API key
/// (<c>ec_live_…</c>, from <c>POST /orgs/:id/api-keys</c>) or a JWT access token from <c>POST /auth/login</c>
/// (see <c>Auth/EcAuthenticationHandler</c>).</item>
/// <item><c>deviceSecret</c> — <c>X-Device-Secret: &lt;device secret&gt;</c>, the secret returned once by device registration;
/// accepted only by the routes a device itself calls over HTTPS (<see cref="Devices.DeviceCredentialEndpoint"/>).</item>
/// </list>
/// </summary>
public static class EcSecuritySchemes
{
    /// <summary>Name of the bearer scheme (API key or JWT).</summary>
    public const string Bearer = "bearer";

    /// <summary>Name of the device-secret header scheme.</summary>
    public const string DeviceSecret = "deviceSecret";

    /// <summary>Adds both schemes to <paramref name="document"/>'s components.</summary>
    public static void AddTo(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT or ec_live_ API key",
            Description = "Authorization: Bearer <credential>. The credential is an org API key (ec_live_…, created with "
                + "POST /api/v1/orgs/{orgId}/api-keys) or an access token from POST /api/v1/auth/login (a JWT that lives "
                + "15 minutes; renew it with POST /api/v1/auth/refresh).",
        };
        document.Components.SecuritySchemes[DeviceSecret] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = Devices.DeviceCredential.HeaderName,
            Description = "The device's own secret (device_secret, returned once by POST /api/v1/devices/register or "
                + "/secret/rotate), for the routes a device calls itself over HTTPS (GSM devices): telemetry push, "
                + "command poll and ack, OTA status. The serial comes from the path. Over MQTT the same secret is the "
                + "password and the serial the username.",
        };
    }

    /// <summary>A requirement naming one scheme (no scopes).</summary>
    public static OpenApiSecurityRequirement Require(string scheme, OpenApiDocument? document) =>
        new() { [new OpenApiSecuritySchemeReference(scheme, document)] = [] };
}
