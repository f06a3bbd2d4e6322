using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Broker;

/// <summary>
/// The Reason String (MQTT 5.0 §3.14.2.2.3) the broker puts in a DISCONNECT it sends, when the cause carries no text of its
/// own (a protocol error's text is its exception message). Besides telling a person why, it makes the packet longer than two
/// bytes: Eclipse Paho reads a DISCONNECT's reason code only when properties follow it, and reports a bare one as a lost
/// connection.
/// </summary>
internal static class DisconnectReasonText
{
    /// <summary>A short English sentence for <paramref name="code"/> (never null; the hex code for an unlisted one).</summary>
    public static string For(MqttReasonCode code) => code switch
    {
        MqttReasonCode.UnspecifiedError => "The server could not take a message from this connection.",
        MqttReasonCode.MalformedPacket => "Malformed packet.",
        MqttReasonCode.ProtocolError => "Protocol error.",
        MqttReasonCode.ImplementationSpecificError => "The server hit an internal error on this connection.",
        MqttReasonCode.NotAuthorized => "This client's credential is no longer authorized.",
        MqttReasonCode.ServerShuttingDown => "The server is shutting down.",
        MqttReasonCode.KeepAliveTimeout => "Keep alive timeout: nothing was received for 1.5 times the keep alive.",
        MqttReasonCode.SessionTakenOver => "Another connection took over this client id's session.",
        MqttReasonCode.ReceiveMaximumExceeded => "Receive Maximum exceeded: too many unacknowledged QoS 1/2 publishes.",
        MqttReasonCode.PacketTooLarge => "Packet too large for the server's Maximum Packet Size.",
        MqttReasonCode.AdministrativeAction => "Disconnected by an administrator or a change of access.",
        _ => $"Reason code 0x{(byte)code:X2}.",
    };
}
