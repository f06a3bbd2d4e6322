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
        return broker.RunConnectionAsync(connection.Transport,
            new MqttConnectionInfo(connection.RemoteEndPoint, tls, tls ? "tls" : "tcp"), connection.ConnectionClosed);
    }
}
