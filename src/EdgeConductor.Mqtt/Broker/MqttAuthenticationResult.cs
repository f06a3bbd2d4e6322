using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Broker;

/// <summary>Outcome of authentication. Use <see cref="Accept"/> or <see cref="Reject"/>.</summary>
/// <param name="Accepted">Whether the client may connect.</param>
/// <param name="ReasonCode">CONNACK reason code when rejected (v5; mapped to a 3.1.1 return code).</param>
/// <param name="Principal">Opaque object the host attaches to the connection (<see cref="MqttClientInfo.Principal"/>).</param>
public readonly record struct MqttAuthenticationResult(bool Accepted, MqttReasonCode ReasonCode, object? Principal)
{
    /// <summary>The owner of sessions whose authentication named none: such a broker keys sessions by client id alone.</summary>
    public const string DefaultOwner = "";

    /// <summary>
    /// Who owns the session this connection creates or resumes. Sessions are keyed by (owner, client id)
    /// (<see cref="MqttSessionKey"/>): a client can resume or take over only a session of its own owner, and the
    /// per-owner session cap (<see cref="MqttBrokerOptions.MaxSessionsPerOwner"/>) counts by it. Never null.
    /// </summary>
    public string Owner { get; init; } = DefaultOwner;

    /// <summary>Accepts the client.</summary>
    /// <param name="principal">Attached to the connection for the other hooks.</param>
    /// <param name="owner">Owner key of the client's session (e.g. a device id or an API key id); null = <see cref="DefaultOwner"/>.</param>
    public static MqttAuthenticationResult Accept(object? principal = null, string? owner = null) =>
        new(true, MqttReasonCode.Success, principal) { Owner = owner ?? DefaultOwner };

    /// <summary>Rejects with a v5 reason code (0x86 bad user/password, 0x87 not authorized, ...); mapped to a v3.1.1 return code for 3.1.1 clients.</summary>
    public static MqttAuthenticationResult Reject(MqttReasonCode reasonCode) => new(false, reasonCode, null);
}
