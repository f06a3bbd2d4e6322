using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using EdgeConductor.Mqtt.Broker;

namespace EdgeConductor.Mqtt.Transport;

/// <summary>
/// Socket listener feeding accepted connections to <see cref="MqttBroker.RunConnectionAsync"/>, each over a
/// <see cref="SocketStreamPipe"/> (no intermediate pipes: a few hundred bytes per idle connection). Used standalone and
/// by the server for plain MQTT over TCP.
/// </summary>
public sealed class MqttTcpListener : IAsyncDisposable
{
    private readonly MqttBroker _broker;
    private readonly Socket _listenSocket;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ConcurrentDictionary<SocketStreamPipe, byte> _connections = new();
    private readonly Action<SocketStreamPipe> _run;
    private readonly Action<SocketStreamPipe> _forget;
    private Task? _acceptTask;
    private int _disposed;

    public MqttTcpListener(MqttBroker broker, IPEndPoint endPoint, int backlog = 4096)
    {
        _broker = broker;
        _run = Run;
        _forget = pipe => _connections.TryRemove(pipe, out _);
        _listenSocket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (endPoint.Address.Equals(IPAddress.IPv6Any))
        {
            // [::] also accepts IPv4 clients (as Kestrel's ListenAnyIP does).
            _listenSocket.DualMode = true;
        }

        _listenSocket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listenSocket.Bind(endPoint);
        _listenSocket.Listen(backlog);
        LocalEndPoint = (IPEndPoint)_listenSocket.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Open transport connections (including ones that have not sent CONNECT yet).</summary>
    public int ConnectionCount => _connections.Count;

    public void Start() => _acceptTask ??= AcceptLoopAsync();

    private async Task AcceptLoopAsync()
    {
        while (!_shutdown.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listenSocket.AcceptAsync(_shutdown.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // E.g. out of file descriptors: report and back off instead of spinning.
                _broker.ReportError(ex, "accept");
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100), _shutdown.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            socket.NoDelay = true;
            var pipe = new SocketStreamPipe(socket, _run, _forget);
            _connections.TryAdd(pipe, 0);
            ThreadPool.UnsafeQueueUserWorkItem(pipe, preferLocal: false);
        }
    }

    /// <summary>Starts one accepted connection (on a thread-pool thread, so a CONNECT that is already there never delays the accept loop).</summary>
    private void Run(SocketStreamPipe pipe)
    {
        try
        {
            _ = _broker.RunOwnedConnectionAsync(pipe, new MqttConnectionInfo(pipe.RemoteEndPoint, false, "tcp"));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The broker is being disposed.
            _broker.ReportError(ex, "tcp connection");
            _ = pipe.DisposeAsync().AsTask();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _shutdown.CancelAsync().ConfigureAwait(false);
        _listenSocket.Dispose();
        if (_acceptTask is not null)
        {
            await _acceptTask.ConfigureAwait(false);
        }

        foreach (var connection in _connections.Keys)
        {
            connection.Abort();
        }

        for (var i = 0; i < 100 && !_connections.IsEmpty; i++)
        {
            await Task.Delay(50).ConfigureAwait(false);
        }

        _shutdown.Dispose();
    }
}
