using EdgeConductor.Mqtt.Broker;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace EdgeConductor.Server.Mqtt;

/// <summary>Kestrel's side of MQTT over TCP/TLS: hands the connection's pipe to the broker.</summary>
internal sealed class MqttConnectionHandler(MqttBroker broker) : ConnectionHandler
{
    public override Task OnConnectedAsync(ConnectionContext connection)
    {
        var tls = connection.Features.Get<ITlsHandshakeFeature>() is not null;
        // Not connection.ConnectionClosed: Kestrel fires it as soon as the peer's FIN arrives, while packets the client
        // sent just before closing (a QoS 0 PUBLISH then DISCONNECT) are still unread in the pipe; cancelling the read
        // loop then drops them. The pipe itself completes (end of data, or an abort on reset/shutdown) and ends the loop.
        return broker.RunConnectionAsync(connection.Transport,
            new MqttConnectionInfo(connection.RemoteEndPoint, tls, tls ? "tls" : "tcp"), CancellationToken.None);
    }
}
