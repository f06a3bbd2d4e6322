using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace EdgeConductor.Mqtt.Transport;

/// <summary>
/// The broker's side of one accepted TCP connection as an <see cref="IDuplexPipe"/>, without intermediate pipes or
/// transport loops: the broker's read loop reads the socket directly (<see cref="PipeReader.Create(Stream, StreamPipeReaderOptions)"/>
/// with zero-byte reads, so an idle connection holds no receive buffer) and its output loop writes it directly
/// (<see cref="SocketPipeWriter"/>: a buffer is rented while a batch is written and returned when it is flushed, and a
/// flush completes when the socket took the bytes, which is the back-pressure).
/// An idle connection costs the socket, one stream, one reader and one writer (docs/mqtt-server.md, "Memory per idle connection").
/// </summary>
internal sealed class SocketStreamPipe : IDuplexPipe, IAsyncDisposable
{
    private static readonly StreamPipeReaderOptions ReaderOptions = new(
        pool: MemoryPool<byte>.Shared, bufferSize: 4096, minimumReadSize: 2048, leaveOpen: true, useZeroByteReads: true);

    private readonly Socket _socket;
    private int _disposed;

    public SocketStreamPipe(Socket socket)
    {
        _socket = socket;
        var stream = new NetworkStream(socket, ownsSocket: false);
        Input = PipeReader.Create(stream, ReaderOptions);
        Output = new SocketPipeWriter(socket); // after the stream: NetworkStream refuses a non-blocking socket
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    /// <summary>Completes both sides (idempotent), then shuts the socket down and closes it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await Input.CompleteAsync().ConfigureAwait(false);
        await Output.CompleteAsync().ConfigureAwait(false);
        Abort();
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
