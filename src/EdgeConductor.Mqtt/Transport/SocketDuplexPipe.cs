using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace EdgeConductor.Mqtt.Transport;

/// <summary>
/// Adapts a connected <see cref="Socket"/> to an <see cref="IDuplexPipe"/>. The receive loop does a zero-byte read
/// first and only rents a buffer once data has arrived, so idle connections hold no receive buffer.
/// </summary>
internal sealed class SocketDuplexPipe : IDuplexPipe, IAsyncDisposable
{
    private const int MinimumReceiveSize = 2048;

    // Inline schedulers: the application's read loop resumes directly on the receive completion, and the send loop
    // directly on the application's flush, saving two thread-pool hops per batch. Neither side blocks.
    private static readonly PipeOptions InputOptions = new(
        pool: MemoryPool<byte>.Shared,
        readerScheduler: PipeScheduler.Inline,
        writerScheduler: PipeScheduler.Inline,
        pauseWriterThreshold: 256 * 1024,
        resumeWriterThreshold: 128 * 1024,
        minimumSegmentSize: 4096,
        useSynchronizationContext: false);

    private static readonly PipeOptions OutputOptions = new(
        pool: MemoryPool<byte>.Shared,
        readerScheduler: PipeScheduler.Inline,
        writerScheduler: PipeScheduler.Inline,
        pauseWriterThreshold: 256 * 1024,
        resumeWriterThreshold: 128 * 1024,
        minimumSegmentSize: 4096,
        useSynchronizationContext: false);

    private readonly Socket _socket;
    private readonly Pipe _input = new(InputOptions);
    private readonly Pipe _output = new(OutputOptions);
    private Task? _receiveTask;
    private Task? _sendTask;

    public SocketDuplexPipe(Socket socket)
    {
        _socket = socket;
    }

    public PipeReader Input => _input.Reader;

    public PipeWriter Output => _output.Writer;

    public void Start()
    {
        _receiveTask = ReceiveLoopAsync();
        _sendTask = SendLoopAsync();
    }

    private async Task ReceiveLoopAsync()
    {
        var writer = _input.Writer;
        Exception? error = null;
        try
        {
            while (true)
            {
                // Wait for data without holding a buffer.
                await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                var memory = writer.GetMemory(MinimumReceiveSize);
                var received = await _socket.ReceiveAsync(memory, SocketFlags.None).ConfigureAwait(false);
                if (received == 0)
                {
                    break;
                }

                writer.Advance(received);
                var flush = await writer.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
        {
            error = ex is ObjectDisposedException ? null : ex;
        }
        finally
        {
            await writer.CompleteAsync(error is null ? null : new IOException(error.Message, error)).ConfigureAwait(false);
        }
    }

    private async Task SendLoopAsync()
    {
        var reader = _output.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                if (result.IsCanceled)
                {
                    break;
                }

                if (buffer.IsSingleSegment)
                {
                    await _socket.SendAsync(buffer.First, SocketFlags.None).ConfigureAwait(false);
                }
                else
                {
                    foreach (var segment in buffer)
                    {
                        await _socket.SendAsync(segment, SocketFlags.None).ConfigureAwait(false);
                    }
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
        {
            // Peer closed; the receive side reports it to the application.
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Already closed.
            }

            _socket.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Let the send loop drain what the application wrote (e.g. a final DISCONNECT) before tearing down.
        if (_sendTask is not null && !_sendTask.IsCompleted)
        {
            await Task.WhenAny(_sendTask, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        }

        _output.Reader.CancelPendingRead();
        _socket.Dispose();
        if (_receiveTask is not null)
        {
            await _receiveTask.ConfigureAwait(false);
        }

        if (_sendTask is not null)
        {
            await _sendTask.ConfigureAwait(false);
        }
    }
}
