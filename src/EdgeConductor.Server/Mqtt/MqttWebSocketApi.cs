using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Transport;
using EdgeConductor.Server.Errors;

namespace EdgeConductor.Server.Mqtt;

/// <summary>MQTT over WebSocket at /mqtt (subprotocol "mqtt"), for browsers and mqtt.js.</summary>
public static class MqttWebSocketApi
{
    public static IEndpointRouteBuilder MapMqttWebSocket(this IEndpointRouteBuilder app)
    {
        app.Map("/mqtt", Accept).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task Accept(HttpContext http, MqttBroker broker)
    {
        if (!http.WebSockets.IsWebSocketRequest)
            throw ApiException.BadRequest("This is the MQTT over WebSocket endpoint: connect with a WebSocket client using subprotocol 'mqtt'.");
        var offered = http.WebSockets.WebSocketRequestedProtocols;
        var protocol = offered.Contains(WebSocketDuplexPipe.SubProtocol) ? WebSocketDuplexPipe.SubProtocol : null;
        using var socket = await http.WebSockets.AcceptWebSocketAsync(protocol);
        await using var pipe = new WebSocketDuplexPipe(socket);
        pipe.Start();
        // Not RequestAborted: it fires when the client closes, before its last packets are read (see MqttConnectionHandler).
        await broker.RunConnectionAsync(pipe, new MqttConnectionInfo(
            http.Connection.RemoteIpAddress is { } ip ? new System.Net.IPEndPoint(ip, http.Connection.RemotePort) : null,
            http.Request.IsHttps, http.Request.IsHttps ? "wss" : "ws"), CancellationToken.None);
    }
}
