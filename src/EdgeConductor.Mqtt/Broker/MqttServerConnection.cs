using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Channels;
using EdgeConductor.Mqtt.Codec;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Transport;

namespace EdgeConductor.Mqtt.Broker;

/// <summary>
/// One client connection: the read loop frames packets from the transport and dispatches them; the output loop
/// owns the transport's writer and drains control packets and the session queue. Protocol errors end here.
/// </summary>
internal sealed partial class MqttServerConnection
{
    private readonly MqttBroker _broker;
    private readonly IDuplexPipe _transport;
    private readonly MqttConnectionInfo _info;
    private readonly CancellationToken _cancellationToken;
    private readonly AsyncSignal _signal = new();
    private Queue<MqttPacket>? _control;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _createdTicks;
    private MqttProtocolVersion _version = MqttProtocolVersion.Unknown;
    private MqttSession? _session;
    private MqttClientInfo? _client;
    private MqttWillMessage? _will;
    private ushort _keepAlive;
    private long _lastActivityTicks;
    private int _sendQuota = ushort.MaxValue;
    private int _clientMaximumPacketSize = MqttPacketReader.ProtocolMaximumPacketSize;
    private volatile bool _connected;
    private volatile bool _closing;
    private volatile bool _stopReading;
    private MqttDisconnectReason _closeReason = MqttDisconnectReason.ConnectionLost;
    private MqttReasonCode? _disconnectCode;
    private string? _disconnectText;
    private Task? _outputTask;

    public MqttServerConnection(MqttBroker broker, IDuplexPipe transport, MqttConnectionInfo info, CancellationToken cancellationToken)
    {
        _broker = broker;
        _transport = transport;
        _info = info;
        _cancellationToken = cancellationToken;
        _createdTicks = broker.NowTicks;
        _lastActivityTicks = _createdTicks;
    }

    public Task Completion => _completion.Task;

    /// <summary>A transport the broker owns (<see cref="MqttBroker.RunOwnedConnectionAsync"/>): disposed after the connection ends.</summary>
    internal IAsyncDisposable? OwnedTransport { get; init; }

    public MqttClientInfo? Client => _client;

    /// <summary>When a packet was last read from this connection (broker clock ticks); for keep-alive tests.</summary>
    internal long LastActivityTicks => Volatile.Read(ref _lastActivityTicks);

    public MqttSession? Session => _session;

    public bool IsConnected => _connected && !_closing;

    private bool IsV5 => _version == MqttProtocolVersion.V500;

    private MqttBrokerOptions Options => _broker.Options;

    public async Task RunAsync()
    {
        try
        {
            var connect = await ReadConnectAsync().ConfigureAwait(false);
            if (connect is not null && await AcceptConnectAsync(connect).ConfigureAwait(false))
            {
                // The read loop, inline rather than its own async method: one async frame less per connection
                // (docs/mqtt-server.md, "Memory per idle connection").
                var input = _transport.Input;
                List<MqttPacket>? batch = null;
                while (!_stopReading)
                {
                    var result = await input.ReadAsync(_cancellationToken).ConfigureAwait(false);
                    if (result.IsCanceled || _stopReading)
                    {
                        break;
                    }

                    if (!await ProcessReadAsync(input, result, batch ??= []).ConfigureAwait(false))
                    {
                        break;
                    }
                }
            }
        }
        catch (MqttProtocolException ex)
        {
            _closeReason = MqttDisconnectReason.ProtocolError;
            if (_connected)
            {
                _disconnectCode ??= ex.ReasonCode;
                _disconnectText ??= ex.Message;
            }
            else
            {
                await TrySendConnectFailureAsync(ex.ReasonCode).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsTransportException(ex))
        {
            // Peer went away or the host aborted the connection.
        }
        catch (Exception ex)
        {
            _closeReason = MqttDisconnectReason.ProtocolError;
            _disconnectCode ??= MqttReasonCode.ImplementationSpecificError;
            ReportError(ex, "connection " + (_client?.ClientId ?? _info.RemoteEndPoint?.ToString()));
        }
        finally
        {
            try
            {
                await CloseAsync().ConfigureAwait(false);
                _completion.TrySetResult();
            }
            finally
            {
                if (OwnedTransport is { } owned)
                {
                    _broker.ForgetConnection(this);
                    await DisposeOwnedTransportAsync(owned).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task DisposeOwnedTransportAsync(IAsyncDisposable owned)
    {
        try
        {
            await owned.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ReportError(ex, "closing the transport");
        }
    }

    /// <summary>Queues a control packet (ack, SUBACK, PINGRESP, DISCONNECT) for the output loop.</summary>
    public void Send(MqttPacket packet)
    {
        lock (_signal)
        {
            (_control ??= new Queue<MqttPacket>()).Enqueue(packet);
        }

        _signal.Set();
    }

    private bool TryDequeueControl(out MqttPacket packet)
    {
        lock (_signal)
        {
            if (_control is { Count: > 0 } queue)
            {
                packet = queue.Dequeue();
                return true;
            }
        }

        packet = null!;
        return false;
    }

    private bool HasControl
    {
        get
        {
            lock (_signal)
            {
                return _control is { Count: > 0 };
            }
        }
    }

    /// <summary>Wakes the output loop (new queued message or freed in-flight slot).</summary>
    public void Signal() => _signal.Set();

    /// <summary>Asks the connection to close (keep-alive, takeover, admin). Safe from any thread.</summary>
    public void Abort(MqttDisconnectReason reason, MqttReasonCode? disconnectCode)
    {
        if (_closing || _stopReading)
        {
            return;
        }

        _closeReason = reason;
        _disconnectCode = disconnectCode;
        _stopReading = true;
        _transport.Input.CancelPendingRead();
    }

    /// <summary>Called by the broker sweep.</summary>
    public void CheckTimeouts(long nowTicks)
    {
        if (!_connected)
        {
            if (nowTicks - _createdTicks > Options.ConnectTimeout.Ticks)
            {
                Abort(MqttDisconnectReason.ProtocolError, null);
            }

            return;
        }

        if (_keepAlive > 0 && nowTicks - Volatile.Read(ref _lastActivityTicks) > _keepAlive * TimeSpan.TicksPerSecond * 3 / 2)
        {
            Abort(MqttDisconnectReason.KeepAliveTimeout, MqttReasonCode.KeepAliveTimeout);
        }
    }

    private async Task CloseAsync()
    {
        _closing = true;
        if (_connected)
        {
            if (IsV5 && _disconnectCode is { } code)
            {
                Send(ServerDisconnect(code));
            }

            _signal.Set();
            if (_outputTask is not null)
            {
                if (await Task.WhenAny(_outputTask, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false) != _outputTask)
                {
                    _transport.Output.CancelPendingFlush();
                    await Task.WhenAny(_outputTask, Task.Delay(TimeSpan.FromSeconds(1))).ConfigureAwait(false);
                }
            }

            _pending?.Writer.TryComplete();
            await _broker.DetachAsync(this, _session!, _client!, _will, _closeReason).ConfigureAwait(false);
            if (IsV5 && _disconnectCode is not null && _outputTask is { IsCompletedSuccessfully: true })
            {
                // Half-close first: the client reads the DISCONNECT and then end-of-stream at once, while whatever it is
                // still writing is drained rather than answered with a reset.
                (_transport as IHalfClosableTransport)?.ShutdownSend();
                await DrainInputAsync().ConfigureAwait(false);
            }
        }

        await _transport.Input.CompleteAsync().ConfigureAwait(false);
        await _transport.Output.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// The DISCONNECT the server sends with <paramref name="code"/>, with a Reason String (the protocol error's text, else
    /// <see cref="DisconnectReasonText"/>) unless that would make it larger than the client's Maximum Packet Size, which
    /// MQTT 5.0 §3.14.2.2.3 forbids.
    /// </summary>
    private DisconnectPacket ServerDisconnect(MqttReasonCode code)
    {
        var packet = new DisconnectPacket
        {
            ReasonCode = code,
            Properties = new MqttProperties { ReasonString = _disconnectText ?? DisconnectReasonText.For(code) },
        };
        if (MqttPacketWriter.GetSize(packet, _version) > _clientMaximumPacketSize)
        {
            packet.Properties = null;
        }

        return packet;
    }

    /// <summary>
    /// After a server DISCONNECT with a reason code: reads and discards what the client is still sending, until it closes,
    /// <see cref="MqttBrokerOptions.DisconnectDrainTimeout"/> passes or <see cref="MqttBrokerOptions.DisconnectDrainBytes"/>
    /// were read. Closing a socket with unread input makes the kernel answer with a reset, and a client blocked writing then
    /// gets a broken pipe before it can read the reason code; draining lets its write finish and the DISCONNECT be read.
    /// </summary>
    private async Task DrainInputAsync()
    {
        if (Options.DisconnectDrainTimeout <= TimeSpan.Zero || _cancellationToken.IsCancellationRequested)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(Options.DisconnectDrainTimeout);
        var input = _transport.Input;
        long drained = 0;
        try
        {
            while (drained < Options.DisconnectDrainBytes && !timeout.IsCancellationRequested)
            {
                var result = await input.ReadAsync(timeout.Token).ConfigureAwait(false);
                drained += result.Buffer.Length;
                input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (IsTransportException(ex) || ex is InvalidOperationException)
        {
            // Timed out, or the transport went away: nothing left to drain.
        }
    }

    internal static bool IsTransportException(Exception ex) =>
        ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or ChannelClosedException;

    private void ReportError(Exception ex, string context) => _broker.ReportError(ex, context);
}
