using System.IO.Pipelines;
using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Client;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Transport;

/// <summary>The broker over plain in-memory pipes, the way Kestrel hands it <c>ConnectionContext.Transport</c>.</summary>
public sealed class InMemoryTransportTests
{
    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    [Fact]
    public async Task RunConnectionAsync_OverInMemoryPipes_FullSessionAndPipesCompleted()
    {
        await using var broker = new MqttBroker();
        var serverRuns = new List<Task>();
        var serverSides = new List<DuplexPipe>();
        var cancel = new CancellationTokenSource();

        ValueTask<IDuplexPipe> Connect(CancellationToken ct)
        {
            var toServer = new Pipe();
            var toClient = new Pipe();
            var serverSide = new DuplexPipe(toServer.Reader, toClient.Writer);
            serverSides.Add(serverSide);
            serverRuns.Add(broker.RunConnectionAsync(serverSide, new MqttConnectionInfo(null, true, "tls"), cancel.Token));
            return ValueTask.FromResult<IDuplexPipe>(new DuplexPipe(toClient.Reader, toServer.Writer));
        }

        await using var sub = new MqttClient(new MqttClientOptions { ClientId = "mem-sub", TransportFactory = Connect });
        await sub.ConnectAsync();
        await sub.SubscribeAsync("mem/#", MqttQualityOfService.ExactlyOnce);
        await using var pub = new MqttClient(new MqttClientOptions { ClientId = "mem-pub", ProtocolVersion = MqttProtocolVersion.V311, TransportFactory = Connect });
        await pub.ConnectAsync();
        Assert.True(broker.GetConnectedClients().All(c => c.Connection.IsTls && c.Connection.TransportName == "tls"));

        for (var i = 0; i < 100; i++)
        {
            await pub.PublishAsync("mem/" + i, i.ToString(), (MqttQualityOfService)(i % 3));
        }

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(i.ToString(), (await sub.ReceiveAsync()).Text());
        }

        await pub.DisconnectAsync();

        // Host-side abort (Kestrel's ConnectionClosed) ends the remaining connection cleanly.
        await cancel.CancelAsync();
        await Task.WhenAll(serverRuns).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, broker.ConnectedClientCount);
    }
}
