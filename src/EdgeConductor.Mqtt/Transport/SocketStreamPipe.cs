using System.IO.Pipelines;
using System.Net.Sockets;

namespace EdgeConductor.Mqtt.Transport;

/// <summary>
/// The broker's side of one accepted TCP connection as an <see cref="IDuplexPipe"/>, without intermediate pipes or
/// transport loops: the broker's read loop reads the socket directly (<see cref="SocketPipeReader"/>: zero-byte waits, so an
/// idle connection holds no receive buffer) and its output loop writes it directly
/// (<see cref="SocketPipeWriter"/>: a buffer is rented while a batch is written and returned when it is flushed, and a
/// flush completes when the socket took the bytes, which is the back-pressure).
/// An idle connection costs the socket, one reader and one writer (docs/mqtt-server.md, "Memory per idle connection").
/// </summary>
internal sealed class SocketStreamPipe : IDuplexPipe, IAsyncDisposable, IThreadPoolWorkItem, IHalfClosableTransport
{
    private readonly Socket _socket;
    private readonly Action<SocketStreamPipe>? _run;
    private readonly Action<SocketStreamPipe>? _disposed;
    private int _disposing;

    /// <param name="socket">The accepted socket.</param>
    /// <param name="run">What <see cref="Execute"/> does (the listener queues the pipe to the thread pool to start the connection there).</param>
    /// <param name="disposed">Called once the socket is closed (the listener forgets the connection).</param>
    public SocketStreamPipe(Socket socket, Action<SocketStreamPipe>? run = null, Action<SocketStreamPipe>? disposed = null)
    {
        _socket = socket;
        _run = run;
        _disposed = disposed;
        Output = new SocketPipeWriter(socket); // makes the socket non-blocking, which the reader relies on
        Input = new SocketPipeReader(socket);
    }

    public PipeReader Input { get; }

    /// <summary>The client's address (null once the socket is closed).</summary>
    public System.Net.EndPoint? RemoteEndPoint
    {
        get
        {
            try
            {
                return _socket.RemoteEndPoint;
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return null;
            }
        }
    }

    public PipeWriter Output { get; }

    /// <summary>Completes both sides (idempotent), then shuts the socket down and closes it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposing, 1) == 1)
        {
            return;
        }

        try
        {
            await Input.CompleteAsync().ConfigureAwait(false);
            await Output.CompleteAsync().ConfigureAwait(false);
        }
        finally
        {
            Abort();
            _disposed?.Invoke(this);
        }
    }

    /// <summary>Runs the start action on a thread-pool thread (no allocation: the pipe is its own work item).</summary>
    public void Execute() => _run?.Invoke(this);

    /// <inheritdoc />
    public void ShutdownSend()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed or reset.
        }
    }

    /// <summary>Shuts the socket down and closes it: a pending read or flush fails with a transport exception. Safe from any thread.</summary>
    public void Abort()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed or reset.
        }

        _socket.Dispose();
    }
}
