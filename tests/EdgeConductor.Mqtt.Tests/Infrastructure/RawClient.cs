using System.Buffers;
using System.Net;
using System.Net.Sockets;
using EdgeConductor.Mqtt.Codec;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Tests.Infrastructure;

/// <summary>Byte-level MQTT peer for protocol tests: sends exact bytes, decodes what the broker sends.</summary>
internal sealed class RawClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[1 << 20];
    private int _count;

    private RawClient(Socket socket, MqttProtocolVersion version)
    {
        _socket = socket;
        Version = version;
    }

    public MqttProtocolVersion Version { get; set; }

    public static async Task<RawClient> OpenAsync(int port, MqttProtocolVersion version = MqttProtocolVersion.V500)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return new RawClient(socket, version);
    }

    /// <summary>Opens and completes CONNECT/CONNACK.</summary>
    public static async Task<(RawClient Client, ConnAckPacket ConnAck)> ConnectAsync(int port, string clientId, MqttProtocolVersion version = MqttProtocolVersion.V500, bool cleanStart = true, uint sessionExpiry = 0, ushort keepAlive = 0, Action<ConnectPacket>? configure = null)
    {
        var client = await OpenAsync(port, version);
        var connect = new ConnectPacket { ProtocolVersion = version, ClientId = clientId, CleanStart = cleanStart, KeepAlive = keepAlive };
        if (version == MqttProtocolVersion.V500 && sessionExpiry != 0)
        {
            connect.Properties = new MqttProperties { SessionExpiryInterval = sessionExpiry };
        }

        configure?.Invoke(connect);
        await client.SendAsync(connect);
        var ack = Assert.IsType<ConnAckPacket>(await client.ReceiveAsync());
        return (client, ack);
    }

    public Task SendAsync(MqttPacket packet) => SendRawAsync(MqttPacketWriter.ToArray(packet, Version));

    public async Task SendRawAsync(byte[] bytes)
    {
        await _socket.SendAsync(bytes, SocketFlags.None);
    }

    /// <summary>Next packet, or null if the broker closed the connection. Throws on timeout.</summary>
    public async Task<MqttPacket?> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            if (TryParse(out var packet))
            {
                return packet;
            }

            int read;
            try
            {
                read = await _socket.ReceiveAsync(_buffer.AsMemory(_count), SocketFlags.None, cts.Token);
            }
            catch (SocketException)
            {
                return null;
            }

            if (read == 0)
            {
                return null;
            }

            _count += read;
        }
    }

    public async Task<T> ReceiveAsync<T>(TimeSpan? timeout = null)
        where T : MqttPacket
    {
        var packet = await ReceiveAsync(timeout);
        return Assert.IsType<T>(packet);
    }

    /// <summary>True if the connection is closed (after draining any packets) within the timeout; the last packet seen is returned.</summary>
    public async Task<(bool Closed, MqttPacket? LastPacket)> WaitForCloseAsync(TimeSpan? timeout = null)
    {
        MqttPacket? last = null;
        try
        {
            while (true)
            {
                var packet = await ReceiveAsync(timeout ?? TimeSpan.FromSeconds(10));
                if (packet is null)
                {
                    return (true, last);
                }

                last = packet;
            }
        }
        catch (OperationCanceledException)
        {
            return (false, last);
        }
    }

    private bool TryParse(out MqttPacket? packet)
    {
        packet = null;
        if (_count == 0)
        {
            return false;
        }

        var sequence = new ReadOnlySequence<byte>(_buffer, 0, _count);
        var reader = new SequenceReader<byte>(sequence);
        if (!MqttPacketReader.TryReadPacket(ref reader, Version, MqttPacketReader.ProtocolMaximumPacketSize, out packet))
        {
            return false;
        }

        var consumed = (int)reader.Consumed;
        Buffer.BlockCopy(_buffer, consumed, _buffer, 0, _count - consumed);
        _count -= consumed;
        return true;
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
