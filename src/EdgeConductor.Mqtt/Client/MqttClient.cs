using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using EdgeConductor.Mqtt.Codec;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Transport;

namespace EdgeConductor.Mqtt.Client;

/// <summary>
/// MQTT 3.1.1 / 5.0 client: connect (optionally auto-reconnecting with exponential backoff), subscribe, publish at
/// QoS 0/1/2 awaiting the acknowledgement, receive through <see cref="Messages"/> or <see cref="MessageReceived"/>.
/// </summary>
public sealed partial class MqttClient : IAsyncDisposable
{
    private readonly MqttClientOptions _options;
    private readonly Channel<MqttReceivedMessage> _messages;
    private readonly Lock _gate = new();
    private readonly Dictionary<ushort, TaskCompletionSource<MqttPacket>> _pending = [];
    private readonly Dictionary<ushort, (PublishPacket Packet, bool Released, long Sequence)> _inflight = [];
    private readonly HashSet<ushort> _incomingQos2 = [];
    private readonly Dictionary<string, MqttTopicSubscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _lifetime = new();
    private MqttClientConnection? _connection;
    private ushort _lastPacketId;
    private long _sequence;
    private volatile bool _userDisconnected;
    private int _reconnecting;

    public MqttClient(MqttClientOptions options)
    {
        _options = options;
        _messages = Channel.CreateBounded<MqttReceivedMessage>(new BoundedChannelOptions(Math.Max(1, options.ReceiveQueueCapacity))
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Received application messages (unless <see cref="MessageReceived"/> is set).</summary>
    public ChannelReader<MqttReceivedMessage> Messages => _messages.Reader;

    /// <summary>If set, called for each received message instead of writing to <see cref="Messages"/>. Awaited before the ack.</summary>
    public Func<MqttReceivedMessage, ValueTask>? MessageReceived { get; set; }

    /// <summary>Raised (from a background task) when a connection ends, with the server's DISCONNECT reason if any.</summary>
    public Action<MqttReasonCode?, Exception?>? Disconnected { get; set; }

    /// <summary>Raised after each successful (re)connect.</summary>
    public Action<ConnAckPacket>? Connected { get; set; }

    public bool IsConnected => _connection is not null;

    public ConnAckPacket? LastConnAck { get; private set; }

    /// <summary>Client id in use (assigned by the server if it was empty).</summary>
    public string ClientId { get; private set; } = "";

    public MqttProtocolVersion ProtocolVersion => _options.ProtocolVersion;

    /// <summary>Connects once. Throws <see cref="MqttClientException"/> if refused.</summary>
    public async Task<ConnAckPacket> ConnectAsync(CancellationToken cancellationToken = default)
    {
        _userDisconnected = false;
        return await ConnectCoreAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<ConnAckPacket> ConnectCoreAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        timeout.CancelAfter(_options.ConnectTimeout);
        var (pipe, owner) = await OpenTransportAsync(timeout.Token).ConfigureAwait(false);
        var connection = new MqttClientConnection(pipe, owner);
        try
        {
            var version = _options.ProtocolVersion;
            var connect = new ConnectPacket
            {
                ProtocolVersion = version,
                ClientId = _options.ClientId,
                CleanStart = _options.CleanStart,
                KeepAlive = _options.KeepAliveSeconds,
                UserName = _options.UserName,
                Password = _options.Password,
                Will = _options.Will,
            };
            if (version == MqttProtocolVersion.V500)
            {
                connect.Properties = new MqttProperties
                {
                    SessionExpiryInterval = _options.SessionExpiryInterval == 0 ? null : _options.SessionExpiryInterval,
                    ReceiveMaximum = _options.ReceiveMaximum,
                    MaximumPacketSize = _options.MaximumPacketSize,
                    TopicAliasMaximum = _options.TopicAliasMaximum is > 0 ? _options.TopicAliasMaximum : null,
                    UserProperties = _options.UserProperties,
                };
            }

            MqttPacketWriter.Write(pipe.Output, connect, version);
            await pipe.Output.FlushAsync(timeout.Token).ConfigureAwait(false);
            var first = await ReadOnePacketAsync(pipe.Input, version, timeout.Token).ConfigureAwait(false);
            if (first is not ConnAckPacket connAck)
            {
                throw new MqttClientException($"Expected CONNACK, got {first?.Type.ToString() ?? "end of stream"}.", MqttReasonCode.ProtocolError);
            }

            if (connAck.ReasonCode != MqttReasonCode.Success)
            {
                throw new MqttClientException($"Connection refused: {connAck.ReasonCode} (0x{(byte)connAck.ReasonCode:X2}).", connAck.ReasonCode);
            }

            LastConnAck = connAck;
            ClientId = connAck.Properties?.AssignedClientIdentifier ?? _options.ClientId;
            connection.KeepAlive = connAck.Properties?.ServerKeepAlive ?? _options.KeepAliveSeconds;
            connection.LastReceivedTicks = _options.TimeProvider.GetTimestamp();
            _connection = connection;
            connection.ReadLoop = Task.Run(() => ReadLoopAsync(connection));
            if (connection.KeepAlive > 0)
            {
                _ = Task.Run(() => KeepAliveLoopAsync(connection));
            }

            await AfterConnectAsync(connection, connAck.SessionPresent).ConfigureAwait(false);
            Connected?.Invoke(connAck);
            return connAck;
        }
        catch (Exception)
        {
            await CloseTransportAsync(connection).ConfigureAwait(false);
            throw;
        }
    }

    private async Task<(IDuplexPipe Pipe, IAsyncDisposable? Owner)> OpenTransportAsync(CancellationToken cancellationToken)
    {
        if (_options.TransportFactory is { } factory)
        {
            var custom = await factory(cancellationToken).ConfigureAwait(false);
            return (custom, custom as IAsyncDisposable);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (IPAddress.TryParse(_options.Host, out var address))
            {
                await socket.ConnectAsync(new IPEndPoint(address, _options.Port), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await socket.ConnectAsync(_options.Host, _options.Port, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            throw new MqttClientException($"Cannot connect to {_options.Host}:{_options.Port}: {ex.Message}", MqttReasonCode.ServerUnavailable, ex);
        }

        var pipe = new SocketDuplexPipe(socket);
        pipe.Start();
        return (pipe, pipe);
    }

    private static async Task<MqttPacket?> ReadOnePacketAsync(PipeReader input, MqttProtocolVersion version, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (TryParseOne(buffer, version, out var packet, out var consumed))
            {
                input.AdvanceTo(consumed);
                return packet;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                return null;
            }
        }
    }

    private static bool TryParseOne(in ReadOnlySequence<byte> buffer, MqttProtocolVersion version, out MqttPacket? packet, out SequencePosition consumed)
    {
        var reader = new SequenceReader<byte>(buffer);
        var ok = MqttPacketReader.TryReadPacket(ref reader, version, MqttPacketReader.ProtocolMaximumPacketSize, out packet);
        consumed = reader.Position;
        return ok;
    }

    /// <summary>Sends DISCONNECT and closes; no reconnect afterwards.</summary>
    public async Task DisconnectAsync(MqttReasonCode reasonCode = MqttReasonCode.Success, CancellationToken cancellationToken = default)
    {
        _userDisconnected = true;
        var connection = _connection;
        if (connection is null)
        {
            return;
        }

        try
        {
            await SendAsync(connection, new DisconnectPacket { ReasonCode = reasonCode }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MqttClientException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // Already gone.
        }

        await CloseTransportAsync(connection).ConfigureAwait(false);
        if (connection.ReadLoop is { } readLoop)
        {
            await readLoop.ConfigureAwait(false);
        }
    }

    /// <summary>Drops the transport without DISCONNECT (tests: simulate a crash so the will fires).</summary>
    public async Task AbortAsync()
    {
        _userDisconnected = true;
        if (_connection is { } connection)
        {
            await CloseTransportAsync(connection).ConfigureAwait(false);
            if (connection.ReadLoop is { } readLoop)
            {
                await readLoop.ConfigureAwait(false);
            }
        }
    }

    private static async Task CloseTransportAsync(MqttClientConnection connection)
    {
        if (connection.Lifetime.IsCancellationRequested)
        {
            return;
        }

        await connection.Lifetime.CancelAsync().ConfigureAwait(false);
        await connection.Pipe.Output.CompleteAsync().ConfigureAwait(false);
        connection.Pipe.Input.CancelPendingRead();
        if (connection.Owner is { } owner)
        {
            await owner.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask SendAsync(MqttClientConnection connection, MqttPacket packet, CancellationToken cancellationToken)
    {
        await connection.WriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (connection.Lifetime.IsCancellationRequested)
            {
                throw new MqttClientException("Connection closed.", MqttReasonCode.UnspecifiedError);
            }

            MqttPacketWriter.Write(connection.Pipe.Output, packet, _options.ProtocolVersion);
            var flush = await connection.Pipe.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (flush.IsCompleted)
            {
                throw new MqttClientException("Connection closed.", MqttReasonCode.UnspecifiedError);
            }
        }
        catch (InvalidOperationException ex)
        {
            // Writing to a completed pipe.
            throw new MqttClientException("Connection closed.", MqttReasonCode.UnspecifiedError, ex);
        }
        finally
        {
            connection.WriteLock.Release();
        }
    }

    private MqttClientConnection RequireConnection() =>
        _connection ?? throw new MqttClientException("Not connected.", MqttReasonCode.UnspecifiedError);

    public async ValueTask DisposeAsync()
    {
        if (_lifetime.IsCancellationRequested)
        {
            return;
        }

        if (_connection is not null)
        {
            await DisconnectAsync().ConfigureAwait(false);
        }

        _userDisconnected = true;
        await _lifetime.CancelAsync().ConfigureAwait(false);
        FailPending(new MqttClientException("Client disposed."));
        _messages.Writer.TryComplete();
    }
}
