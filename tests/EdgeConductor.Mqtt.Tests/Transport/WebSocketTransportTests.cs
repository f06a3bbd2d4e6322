using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Client;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;
using EdgeConductor.Mqtt.Transport;

namespace EdgeConductor.Mqtt.Tests.Transport;

public sealed class WebSocketTransportTests
{
    /// <summary>A WebSocket pair over a loopback TCP connection (no HTTP upgrade needed for the framing layer).</summary>
    private static async Task<(WebSocket Server, WebSocket Client)> CreatePairAsync()
    {
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        var accept = listener.AcceptAsync();
        await client.ConnectAsync(listener.LocalEndPoint!);
        var server = await accept;
        var serverWs = WebSocket.CreateFromStream(new NetworkStream(server, ownsSocket: true), isServer: true, WebSocketDuplexPipe.SubProtocol, TimeSpan.FromSeconds(30));
        var clientWs = WebSocket.CreateFromStream(new NetworkStream(client, ownsSocket: true), isServer: false, WebSocketDuplexPipe.SubProtocol, TimeSpan.FromSeconds(30));
        return (serverWs, clientWs);
    }

    [Fact]
    public async Task MqttOverWebSocket_PublishSubscribeRoundTrip()
    {
        await using var broker = new MqttBroker();
        var serverTasks = new List<Task>();

        async ValueTask<IDuplexPipe> Connect(CancellationToken ct)
        {
            var (serverWs, clientWs) = await CreatePairAsync();
            var serverPipe = new WebSocketDuplexPipe(serverWs);
            serverPipe.Start();
            serverTasks.Add(Task.Run(async () =>
            {
                await broker.RunConnectionAsync(serverPipe, new MqttConnectionInfo(null, false, "ws"), CancellationToken.None);
                await serverPipe.DisposeAsync();
            }));
            var clientPipe = new WebSocketDuplexPipe(clientWs);
            clientPipe.Start();
            return clientPipe;
        }

        await using var subscriber = new MqttClient(new MqttClientOptions { ClientId = "ws-sub", TransportFactory = Connect });
        await subscriber.ConnectAsync();
        await subscriber.SubscribeAsync("ws/#", MqttQualityOfService.ExactlyOnce);
        await using var publisher = new MqttClient(new MqttClientOptions { ClientId = "ws-pub", ProtocolVersion = MqttProtocolVersion.V311, TransportFactory = Connect });
        await publisher.ConnectAsync();

        Assert.Equal("ws", Assert.Single(broker.GetConnectedClients(), c => c.ClientId == "ws-pub").Connection.TransportName);
        var big = new byte[100_000];
        Random.Shared.NextBytes(big);
        await publisher.PublishAsync("ws/small", "hi", MqttQualityOfService.AtLeastOnce);
        await publisher.PublishAsync("ws/big", big, MqttQualityOfService.ExactlyOnce);
        Assert.Equal("hi", (await subscriber.ReceiveAsync()).Text());
        Assert.Equal(big, (await subscriber.ReceiveAsync()).Payload.ToArray());

        await publisher.DisconnectAsync();
        await subscriber.DisconnectAsync();
        await Task.WhenAll(serverTasks).WaitAsync(TimeSpan.FromSeconds(10));
    }
}
