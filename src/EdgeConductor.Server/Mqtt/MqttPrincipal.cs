using EdgeConductor.Server.Gateway;

namespace EdgeConductor.Server.Mqtt;

/// <summary>
/// Who an MQTT connection authenticated as (attached to the broker session). The owner keys below name whose session a
/// connection creates or resumes: the broker keys sessions by (owner, client id), so devices and service clients of
/// different orgs never resume, take over or disconnect each other's sessions, whatever client ids they choose.
/// </summary>
public abstract record MqttPrincipal
{
    /// <summary>The session owner of every anonymous sandbox client (one shared owner: they are not told apart).</summary>
    public const string AnonymousOwner = "anonymous";

    /// <summary>Session owner of a device: its device id (stable across secret rotation and org moves).</summary>
    public static string DeviceOwner(string deviceId) => "device:" + deviceId;

    /// <summary>Session owner of a service client: the id of the API key it authenticated with.</summary>
    public static string ServiceOwner(string apiKeyId) => "key:" + apiKeyId;

    /// <summary>A device: username = serial, password = device secret.</summary>
    public sealed record Device(DeviceRef Ref) : MqttPrincipal;

    /// <summary>A service client with an org API key (password = ec_live_…): may use its org's device topics.</summary>
    public sealed record Service(string ApiKeyId, string OrgId) : MqttPrincipal;

    /// <summary>An unauthenticated sandbox client (only with EC_MQTT_ALLOW_ANONYMOUS=true).</summary>
    public sealed record Anonymous : MqttPrincipal;
}
