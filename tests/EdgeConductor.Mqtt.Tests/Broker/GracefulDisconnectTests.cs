using System.Net;
using System.Net.Sockets;
using EdgeConductor.Mqtt.Codec;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Broker;

/// <summary>
/// A client the broker disconnects for a protocol reason while it is still writing can read the DISCONNECT: the broker
/// drains its input (<see cref="Mqtt.Broker.MqttBrokerOptions.DisconnectDrainTimeout"/>) instead of closing on unread data,
/// which would reset the connection and fail the client's write before it reads anything.
/// </summary>
public sealed class GracefulDisconnectTests
{
    [Fact]
    public async Task PacketTooLarge_ClientStillWriting_WriteCompletesAndReadsDisconnect0x95()
    {
        await using var test = TestBroker.Start(o => { o.MaximumPacketSize = 16 * 1024; o.DisconnectDrainBytes = 64 << 20; o.DisconnectDrainTimeout = TimeSpan.FromSeconds(3); });
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, test.Port));
        using var stream = new NetworkStream(socket);
        await stream.WriteAsync(MqttPacketWriter.ToArray(new ConnectPacket { ProtocolVersion = MqttProtocolVersion.V500, ClientId = "big" }, MqttProtocolVersion.V500));
        var connAck = new byte[64];
        Assert.True(await stream.ReadAsync(connAck) >= 2);

        // One 16 MiB PUBLISH written in one go, like a single-threaded client (paho's loop) does: the broker rejects the
        // header at once, while most of the body is still on its way (more than the loopback socket buffers hold). The write
        // must not fail with a reset (it does when the broker closes on unread input: DisconnectDrainTimeout = 0).
        var publish = MqttPacketWriter.ToArray(new PublishPacket { Topic = "big", Payload = new byte[16 << 20] }, MqttProtocolVersion.V500);
        await stream.WriteAsync(publish);

        var buffer = new byte[1024];
        var read = 0;
        while (read < 3)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read)).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(n > 0, "the connection closed before the DISCONNECT was read");
            read += n;
        }

        Assert.Equal(0xE0, buffer[0]); // DISCONNECT
        Assert.Equal((byte)MqttReasonCode.PacketTooLarge, buffer[2]);
    }

    [Fact]
    public async Task ReceiveMaximumExceeded_ClientStillWriting_ReadsDisconnect0x93()
    {
        // The host holds every publish, so none is acknowledged; the 3rd QoS 1 publish exceeds Receive Maximum 2.
        var gate = new TaskCompletionSource<Mqtt.Broker.MqttPublishResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var hooks = new TestHooks { Publish = _ => new ValueTask<Mqtt.Broker.MqttPublishResult>(gate.Task) };
        await using var test = TestBroker.Start(o => { o.ReceiveMaximum = 2; o.Hooks = hooks; o.DisconnectDrainBytes = 64 << 20; o.DisconnectDrainTimeout = TimeSpan.FromSeconds(3); });
        var (raw, _) = await RawClient.ConnectAsync(test.Port, "flood", MqttProtocolVersion.V500);
        await using var _raw = raw;
        var burst = new List<byte>();
        for (ushort id = 1; id <= 4000; id++) // 8 MB, more than the socket buffers hold: still being written when the broker kicks it
        {
            burst.AddRange(MqttPacketWriter.ToArray(new PublishPacket { Topic = "t", Payload = new byte[2048], QoS = MqttQualityOfService.AtLeastOnce, PacketId = id }, MqttProtocolVersion.V500));
        }

        await raw.SendRawAsync([.. burst]);
        var (closed, last) = await raw.WaitForCloseAsync(TimeSpan.FromSeconds(10));
        gate.TrySetResult(Mqtt.Broker.MqttPublishResult.Accept);
        Assert.True(closed);
        Assert.Equal(MqttReasonCode.ReceiveMaximumExceeded, Assert.IsType<DisconnectPacket>(last).ReasonCode);
    }

    /// <summary>
    /// After its DISCONNECT the broker half-closes (FIN) before draining, so a client reads the reason and then
    /// end-of-stream at once, not only when the drain ends. The drain here lasts 60 s and the client sends nothing more:
    /// without the half-close the end-of-stream would not come within the 10 s wait.
    /// </summary>
    [Fact]
    public async Task ProtocolDisconnect_HalfClosesBeforeDraining_ClientReadsReasonStringThenEndOfStream()
    {
        await using var test = TestBroker.Start(o => { o.MaximumPacketSize = 1024; o.DisconnectDrainTimeout = TimeSpan.FromSeconds(60); });
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, test.Port));
        using var stream = new NetworkStream(socket);
        await stream.WriteAsync(MqttPacketWriter.ToArray(new ConnectPacket { ProtocolVersion = MqttProtocolVersion.V500, ClientId = "half" }, MqttProtocolVersion.V500));
        var received = new List<byte>();
        var buffer = new byte[4096];
        var n = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        received.AddRange(buffer.AsSpan(0, n).ToArray());
        Assert.Equal(0x20, received[0]); // CONNACK

        // A PUBLISH header announcing 4 KB (above the 1 KB maximum), with only part of its body: the broker refuses it from
        // the header and then waits for the rest while it drains.
        var publish = MqttPacketWriter.ToArray(new PublishPacket { Topic = "t", Payload = new byte[4096] }, MqttProtocolVersion.V500);
        await stream.WriteAsync(publish.AsMemory(0, 100));
        received.Clear();
        while (true)
        {
            n = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            if (n == 0)
            {
                break; // end-of-stream while the broker is still draining: the half-close
            }

            received.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        var reader = new System.Buffers.SequenceReader<byte>(new System.Buffers.ReadOnlySequence<byte>(received.ToArray()));
        Assert.True(MqttPacketReader.TryReadPacket(ref reader, MqttProtocolVersion.V500, 1 << 20, out var packet));
        var disconnect = Assert.IsType<DisconnectPacket>(packet);
        Assert.Equal(MqttReasonCode.PacketTooLarge, disconnect.ReasonCode);
        Assert.False(string.IsNullOrEmpty(disconnect.Properties?.ReasonString));
    }
}
