using EdgeConductor.Server.Gateway;

namespace EdgeConductor.Server.Mqtt;

/// <summary>Who an MQTT connection authenticated as (attached to the broker session).</summary>
public abstract record MqttPrincipal
{
    /// <summary>A device: username = serial, password = device secret.</summary>
    public sealed record Device(DeviceRef Ref) : MqttPrincipal;

    /// <summary>A service client with an org API key (password = ec_live_…): may use its org's device topics.</summary>
    public sealed record Service(string ApiKeyId, string OrgId) : MqttPrincipal;

    /// <summary>An unauthenticated sandbox client (only with EC_MQTT_ALLOW_ANONYMOUS=true).</summary>
    public sealed record Anonymous : MqttPrincipal;
}
