using System.Net;

namespace EdgeConductor.Mqtt.Broker;

/// <summary>What the transport knows about a connection.</summary>
/// <param name="RemoteEndPoint">Peer address, if known.</param>
/// <param name="IsTls">Whether the transport is encrypted.</param>
/// <param name="TransportName">"tcp", "tls", "ws", "wss" or a host-defined name.</param>
public sealed record MqttConnectionInfo(EndPoint? RemoteEndPoint, bool IsTls, string TransportName)
{
    public static MqttConnectionInfo Unknown { get; } = new(null, false, "unknown");
}
