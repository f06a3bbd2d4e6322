using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using EdgeConductor.Mqtt.Client;
using EdgeConductor.Mqtt.Codec;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Client;

/// <summary>
/// The client's read loop decodes at most 256 packets per read. When more complete packets than that arrive in one read,
/// the rest must be decoded on the next read without waiting for further bytes: the server may have nothing more to send
/// until the client acknowledges them. (This once stalled QoS 2 subscribers: 4-byte PUBRELs put over 256 packets in one
/// socket read, the tail stayed unread in the pipe, and the broker waited for PUBRECs/PUBCOMPs that never came.)
/// The server here is scripted over in-memory pipes, so each burst reaches the client in a single read.
/// </summary>
public sealed class ClientReadBatchTests
{
    private const int Burst = 600; // well over the 256-packet batch

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task Qos2_MoreThanOneBatchInOneRead_AllDeliveredAndAcknowledged(MqttProtocolVersion version)
    {
        var server = new ScriptedServer(version);
        await using var client = await server.ConnectClientAsync();

        // Burst of QoS 2 PUBLISHes in one write: every message is delivered and gets its PUBREC, with nothing else sent.
        await server.SendAsync(Enumerable.Range(1, Burst).Select(i => new PublishPacket
        {
            Topic = "burst/" + i,
            Payload = Encoding.UTF8.GetBytes(i.ToString()),
            QoS = MqttQualityOfService.ExactlyOnce,
            PacketId = (ushort)i,
        }));
        for (var i = 1; i <= Burst; i++)
        {
            Assert.Equal(i.ToString(), (await client.ReceiveAsync()).Text());
        }

        for (var i = 1; i <= Burst; i++)
        {
            Assert.Equal(i, Assert.IsType<PubRecPacket>(await server.ReceiveAsync()).PacketId);
        }

        // Burst of PUBRELs (4 bytes each: the shape that stalled): every one gets its PUBCOMP.
        await server.SendAsync(Enumerable.Range(1, Burst).Select(i => new PubRelPacket { PacketId = (ushort)i }));
        for (var i = 1; i <= Burst; i++)
        {
            Assert.Equal(i, Assert.IsType<PubCompPacket>(await server.ReceiveAsync()).PacketId);
        }

        // The same packet ids are free again: a new message with id 1 is delivered, not taken for a duplicate.
        await server.SendAsync([new PublishPacket { Topic = "burst/again", Payload = "again"u8.ToArray(), QoS = MqttQualityOfService.ExactlyOnce, PacketId = 1 }]);
        Assert.Equal("again", (await client.ReceiveAsync()).Text());
        Assert.Equal(1, Assert.IsType<PubRecPacket>(await server.ReceiveAsync()).PacketId);
    }

    [Fact]
    public async Task ServerClosesRightAfterMoreThanOneBatch_AllPacketsBeforeTheCloseDelivered()
    {
        var server = new ScriptedServer(MqttProtocolVersion.V500);
        await using var client = await server.ConnectClientAsync();
        var disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Disconnected = (_, _) => disconnected.TrySetResult();

        // Packets and end of stream become visible to the client together.
        await server.SendAndCloseAsync(Enumerable.Range(1, Burst).Select(i => new PublishPacket { Topic = "last/words", Payload = Encoding.UTF8.GetBytes(i.ToString()) }));
        await disconnected.Task.WaitAsync(TestExtensions.DefaultTimeout);
        for (var i = 1; i <= Burst; i++)
        {
            Assert.Equal(i.ToString(), (await client.ReceiveAsync()).Text());
        }

        Assert.Null(await client.TryReceiveAsync(TimeSpan.FromMilliseconds(100)));
    }

    /// <summary>The server end of an in-memory connection, driven packet by packet by the test.</summary>
    private sealed class ScriptedServer(MqttProtocolVersion version)
    {
        private readonly Pipe _toServer = new();
        private readonly Pipe _toClient = new();

        public async Task<MqttClient> ConnectClientAsync()
        {
            var client = new MqttClient(new MqttClientOptions
            {
                ClientId = "batch-" + version,
                ProtocolVersion = version,
                KeepAliveSeconds = 0,
                TransportFactory = _ => ValueTask.FromResult<IDuplexPipe>(new DuplexPipe(_toClient.Reader, _toServer.Writer)),
            });
            var connecting = client.ConnectAsync();
            Assert.IsType<ConnectPacket>(await ReceiveAsync());
            await SendAsync([new ConnAckPacket { ReasonCode = MqttReasonCode.Success }]);
            await connecting;
            return client;
        }

        public async Task SendAsync(IEnumerable<MqttPacket> packets)
        {
            foreach (var packet in packets)
            {
                MqttPacketWriter.Write(_toClient.Writer, packet, version);
            }

            await _toClient.Writer.FlushAsync();
        }

        public async Task SendAndCloseAsync(IEnumerable<MqttPacket> packets)
        {
            foreach (var packet in packets)
            {
                MqttPacketWriter.Write(_toClient.Writer, packet, version);
            }

            await _toClient.Writer.CompleteAsync();
        }

        public async Task<MqttPacket> ReceiveAsync()
        {
            using var timeout = new CancellationTokenSource(TestExtensions.DefaultTimeout);
            var input = _toServer.Reader;
            while (true)
            {
                var result = await input.ReadAsync(timeout.Token);
                var reader = new SequenceReader<byte>(result.Buffer);
                if (MqttPacketReader.TryReadPacket(ref reader, version, MqttPacketReader.ProtocolMaximumPacketSize, out var packet))
                {
                    input.AdvanceTo(reader.Position);
                    return packet!;
                }

                input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                Assert.False(result.IsCompleted, "The client closed the connection.");
            }
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
