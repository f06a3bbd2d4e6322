using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace EdgeConductor.Mqtt.Transport;

/// <summary>
/// A <see cref="PipeWriter"/> straight onto a non-blocking socket, for one writer (the broker's output loop). Bytes go into
/// one pooled buffer that is rented by the first write of a batch and returned when the batch is flushed, so an idle
/// connection holds no send buffer. A flush first sends without waiting (<see cref="Socket.Send(ReadOnlySpan{byte}, SocketFlags, out SocketError)"/>
/// on a socket with <see cref="Socket.Blocking"/> = false), which takes a whole batch whenever the kernel's send buffer
/// has room; only what does not fit is sent asynchronously. The socket then never allocates its asynchronous send state
/// for connections that only ever receive a CONNACK and PINGRESPs. A flush completes when the socket took every byte:
/// that is the back-pressure on the output loop.
/// </summary>
internal sealed class SocketPipeWriter : PipeWriter
{
    private const int MinimumBufferSize = 4096;

    private readonly Socket _socket;
    private byte[]? _buffer;
    private int _written;
    private CancellationTokenSource? _flushCancellation;
    private volatile bool _cancelNextFlush;
    private bool _completed;

    /// <param name="socket">A connected socket; it is switched to non-blocking mode.</param>
    public SocketPipeWriter(Socket socket)
    {
        _socket = socket;
        _socket.Blocking = false;
    }

    public override bool CanGetUnflushedBytes => true;

    public override long UnflushedBytes => _written;

    public override void Advance(int bytes)
    {
        if ((uint)bytes > (uint)((_buffer?.Length ?? 0) - _written))
        {
            throw new ArgumentOutOfRangeException(nameof(bytes));
        }

        _written += bytes;
    }

    public override Memory<byte> GetMemory(int sizeHint = 0) => Ensure(sizeHint).AsMemory(_written);

    public override Span<byte> GetSpan(int sizeHint = 0) => Ensure(sizeHint).AsSpan(_written);

    private byte[] Ensure(int sizeHint)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        var needed = _written + Math.Max(sizeHint, 1);
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(needed, MinimumBufferSize));
        }
        else if (needed > _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
            _buffer.AsSpan(0, _written).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        return _buffer;
    }

    /// <summary>Makes the pending (or the next) flush return with <see cref="FlushResult.IsCanceled"/>; unsent bytes stay buffered.</summary>
    public override void CancelPendingFlush()
    {
        _cancelNextFlush = true;
        try
        {
            Volatile.Read(ref _flushCancellation)?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The flush that owned it has ended.
        }
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_cancelNextFlush)
        {
            _cancelNextFlush = false;
            return new ValueTask<FlushResult>(new FlushResult(isCanceled: true, isCompleted: false));
        }

        var sent = 0;
        while (sent < _written)
        {
            var n = _socket.Send(_buffer.AsSpan(sent, _written - sent), SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                return FlushSlowAsync(sent, cancellationToken);
            }

            if (error != SocketError.Success)
            {
                throw new IOException($"Send failed: {error}", new SocketException((int)error));
            }

            sent += n;
        }

        ReleaseBuffer();
        return new ValueTask<FlushResult>(new FlushResult(isCanceled: false, isCompleted: false));
    }

    /// <summary>The kernel's send buffer is full (a slow reader): sends the rest asynchronously, cancellable by <see cref="CancelPendingFlush"/>.</summary>
    private async ValueTask<FlushResult> FlushSlowAsync(int sent, CancellationToken cancellationToken)
    {
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Volatile.Write(ref _flushCancellation, cancellation);
        try
        {
            if (_cancelNextFlush)
            {
                _cancelNextFlush = false;
                Compact(sent);
                return new FlushResult(isCanceled: true, isCompleted: false);
            }

            while (sent < _written)
            {
                sent += await _socket.SendAsync(_buffer.AsMemory(sent, _written - sent), SocketFlags.None, cancellation.Token).ConfigureAwait(false);
            }

            ReleaseBuffer();
            return new FlushResult(isCanceled: false, isCompleted: false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _cancelNextFlush = false;
            Compact(sent);
            return new FlushResult(isCanceled: true, isCompleted: false);
        }
        finally
        {
            Volatile.Write(ref _flushCancellation, null);
        }
    }

    /// <summary>Keeps only the bytes not sent yet.</summary>
    private void Compact(int sent)
    {
        if (sent > 0 && _buffer is not null)
        {
            _buffer.AsSpan(sent, _written - sent).CopyTo(_buffer);
            _written -= sent;
        }
    }

    private void ReleaseBuffer()
    {
        _written = 0;
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Sends what was written but not flushed as far as the socket takes it without waiting (the broker flushes before it
    /// completes; this only keeps a pipe's "complete commits the data" behaviour for a last packet), then returns the buffer.
    /// </summary>
    public override void Complete(Exception? exception = null)
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        if (_written > 0 && exception is null)
        {
            try
            {
                _socket.Send(_buffer.AsSpan(0, _written), SocketFlags.None, out _);
            }
            catch (ObjectDisposedException)
            {
                // Closed already.
            }
        }

        ReleaseBuffer();
    }
}
