using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace EdgeConductor.Mqtt.Transport;

/// <summary>
/// A <see cref="PipeReader"/> straight off a non-blocking socket, for one reader (the broker's read loop). Received bytes
/// live in one pooled array: rented when bytes arrive, compacted or grown as a packet needs, and returned as soon as
/// everything in it is consumed, so an idle connection holds no receive buffer. A read first receives without waiting
/// (<see cref="Socket.Receive(Span{byte}, SocketFlags, out SocketError)"/> on a socket with <see cref="Socket.Blocking"/>
/// = false); only when nothing is there does it wait, with a zero-byte receive, for the socket to become readable.
/// Compared with <c>PipeReader.Create(new NetworkStream(socket))</c> an idle connection carries no stream, no read state
/// machine, no buffer segments and no cancellation source (about 0.7 KB; docs/mqtt-server.md, "Memory per idle connection").
/// <para>
/// Who completes a waiting read is decided by one atomic flag word: the socket's readiness callback, <see cref="CancelPendingRead"/>
/// and the read's <see cref="CancellationToken"/> race to clear <see cref="Waiting"/>, and only the winner touches the buffer
/// and completes the read.
/// </para>
/// </summary>
internal sealed class SocketPipeReader : PipeReader, IValueTaskSource<ReadResult>
{
    private const int InitialBufferSize = 4096;
    private const int MinimumReadSize = 2048;

    /// <summary>A zero-byte receive is in progress on the socket.</summary>
    private const int Outstanding = 1;

    /// <summary>A <see cref="ReadAsync"/> waits on this object (its <see cref="IValueTaskSource{T}"/>).</summary>
    private const int Waiting = 2;

    private readonly Socket _socket;
    private readonly Action _onReadable;
    private ManualResetValueTaskSourceCore<ReadResult> _source;
    private ValueTask<int> _readiness;
    private CancellationTokenRegistration _tokenRegistration;
    private CancellationToken _token;
    private byte[]? _buffer;
    private int _start;
    private int _end;
    private int _examined;
    private int _flags;
    private volatile bool _cancelRequested;
    private bool _endOfStream;
    private bool _completed;

    /// <param name="socket">A connected socket that is (or will be) non-blocking; <see cref="SocketPipeWriter"/> makes it so.</param>
    public SocketPipeReader(Socket socket)
    {
        _socket = socket;
        _onReadable = OnReadable;
    }

    /// <inheritdoc />
    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        cancellationToken.ThrowIfCancellationRequested();
        while (true)
        {
            if (TryReadNow(out var result))
            {
                return new ValueTask<ReadResult>(result);
            }

            // Nothing to read: wait for the socket to become readable.
            _source.Reset();
            _token = cancellationToken;
            var before = Interlocked.Or(ref _flags, Waiting);
            if ((before & Outstanding) == 0 && !StartReadinessWait())
            {
                // Readable at once: no wait after all.
                Interlocked.And(ref _flags, ~Waiting);
                continue;
            }

            if (cancellationToken.CanBeCanceled)
            {
                _tokenRegistration = cancellationToken.UnsafeRegister(static s => ((SocketPipeReader)s!).OnTokenCanceled(), this);
            }

            if (_cancelRequested)
            {
                // CancelPendingRead ran between TryReadNow and setting Waiting, and found nobody to wake.
                TryCompleteWait(asynchronously: true);
            }

            return new ValueTask<ReadResult>(this, _source.Version);
        }
    }

    /// <summary>
    /// Returns a result without waiting when there is one: a requested cancellation, bytes not yet examined, bytes the
    /// socket has now, the end of the stream, or a socket error (thrown). False when the socket has nothing yet.
    /// </summary>
    private bool TryReadNow(out ReadResult result)
    {
        if (_cancelRequested)
        {
            _cancelRequested = false;
            result = new ReadResult(Unread(), isCanceled: true, isCompleted: _endOfStream);
            return true;
        }

        if (_end > _examined || _endOfStream)
        {
            result = new ReadResult(Unread(), isCanceled: false, isCompleted: _endOfStream);
            return true;
        }

        if ((Volatile.Read(ref _flags) & Outstanding) != 0)
        {
            result = default; // a zero-byte receive is still in progress: receiving now would race it
            return false;
        }

        var buffer = EnsureSpace();
        var received = _socket.Receive(buffer.AsSpan(_end), SocketFlags.None, out var error);
        if (error == SocketError.WouldBlock)
        {
            ReturnBufferIfEmpty();
            result = default;
            return false;
        }

        if (error != SocketError.Success)
        {
            ReturnBufferIfEmpty();
            throw new SocketException((int)error);
        }

        if (received == 0)
        {
            _endOfStream = true;
            ReturnBufferIfEmpty();
        }

        _end += received;
        result = new ReadResult(Unread(), isCanceled: false, isCompleted: _endOfStream);
        return true;
    }

    /// <summary>Starts a zero-byte receive. False when the socket was readable at once (nothing started).</summary>
    private bool StartReadinessWait()
    {
        Interlocked.Or(ref _flags, Outstanding);
        ValueTask<int> readiness;
        try
        {
            readiness = _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None);
        }
        catch
        {
            Interlocked.And(ref _flags, ~Outstanding);
            throw;
        }

        if (readiness.IsCompleted)
        {
            Interlocked.And(ref _flags, ~Outstanding);
            _ = ObserveReadiness(readiness); // an error shows again on the next receive
            return false;
        }

        _readiness = readiness;
        readiness.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onReadable);
        return true;
    }

    private static bool ObserveReadiness(ValueTask<int> readiness)
    {
        try
        {
            readiness.GetAwaiter().GetResult();
            return true;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The zero-byte receive finished (readable, end of stream or error): complete the waiting read, if any.</summary>
    private void OnReadable()
    {
        _ = ObserveReadiness(_readiness);
        _readiness = default;
        var before = Interlocked.And(ref _flags, ~Outstanding);
        if ((before & Waiting) != 0)
        {
            TryCompleteWait(asynchronously: false);
        }
    }

    private void OnTokenCanceled()
    {
        if (ClaimWait())
        {
            _source.RunContinuationsAsynchronously = true;
            _source.SetException(new OperationCanceledException(_token));
        }
    }

    /// <summary>Clears <see cref="Waiting"/> if it is set: true for the one caller that did, which then completes the read.</summary>
    private bool ClaimWait()
    {
        var flags = Volatile.Read(ref _flags);
        while ((flags & Waiting) != 0)
        {
            var seen = Interlocked.CompareExchange(ref _flags, flags & ~Waiting, flags);
            if (seen == flags)
            {
                return true;
            }

            flags = seen;
        }

        return false;
    }

    /// <summary>Completes the waiting read with what <see cref="TryReadNow"/> gives, or waits again when there is nothing yet.</summary>
    private void TryCompleteWait(bool asynchronously)
    {
        if (!ClaimWait())
        {
            return;
        }

        _tokenRegistration.Dispose();
        _tokenRegistration = default;
        _source.RunContinuationsAsynchronously = asynchronously;
        try
        {
            while (true)
            {
                if (TryReadNow(out var result))
                {
                    _source.SetResult(result);
                    return;
                }

                // Woken without data (a spurious wake-up, or the cancellation was already taken): wait again.
                Interlocked.Or(ref _flags, Waiting);
                if (StartReadinessWait())
                {
                    if (_cancelRequested)
                    {
                        TryCompleteWait(asynchronously: true);
                    }

                    return;
                }

                if (!ClaimWait())
                {
                    return;
                }
            }
        }
        catch (Exception ex)
        {
            _source.SetException(ex);
        }
    }

    /// <inheritdoc />
    public override bool TryRead(out ReadResult result)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (_cancelRequested || _end > _examined || _endOfStream)
        {
            return TryReadNow(out result);
        }

        result = default;
        return false;
    }

    /// <inheritdoc />
    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    /// <inheritdoc />
    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (_buffer is null)
        {
            return;
        }

        var consumedIndex = IndexOf(consumed);
        var examinedIndex = IndexOf(examined);
        if (consumedIndex < _start || consumedIndex > _end || examinedIndex < consumedIndex || examinedIndex > _end)
        {
            throw new InvalidOperationException("AdvanceTo was given a position outside the last read's buffer.");
        }

        _start = consumedIndex;
        _examined = examinedIndex;
        ReturnBufferIfEmpty();
    }

    private int IndexOf(SequencePosition position) =>
        ReferenceEquals(position.GetObject(), _buffer) ? position.GetInteger() : position.GetObject() is null ? _start
        : throw new InvalidOperationException("AdvanceTo was given a position from another buffer.");

    /// <inheritdoc />
    public override void CancelPendingRead()
    {
        _cancelRequested = true;
        TryCompleteWait(asynchronously: true);
    }

    /// <inheritdoc />
    public override void Complete(Exception? exception = null)
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        if ((Volatile.Read(ref _flags) & Waiting) == 0 && _buffer is { } buffer)
        {
            _buffer = null;
            _start = _end = _examined = 0;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private ReadOnlySequence<byte> Unread() =>
        _buffer is null || _start == _end ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(_buffer, _start, _end - _start);

    /// <summary>The buffer with at least <see cref="MinimumReadSize"/> free bytes after <see cref="_end"/> (rented, compacted or grown).</summary>
    private byte[] EnsureSpace()
    {
        if (_buffer is null)
        {
            _start = _end = _examined = 0;
            return _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        }

        if (_buffer.Length - _end >= MinimumReadSize)
        {
            return _buffer;
        }

        var unread = _end - _start;
        if (_buffer.Length - unread >= MinimumReadSize && _start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, unread);
        }
        else
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, unread + MinimumReadSize));
            Buffer.BlockCopy(_buffer, _start, grown, 0, unread);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = grown;
        }

        _examined -= _start;
        _end = unread;
        _start = 0;
        return _buffer;
    }

    private void ReturnBufferIfEmpty()
    {
        if (_buffer is { } buffer && _start == _end)
        {
            _buffer = null;
            _start = _end = _examined = 0;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    ReadResult IValueTaskSource<ReadResult>.GetResult(short token) => _source.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<ReadResult>.GetStatus(short token) => _source.GetStatus(token);

    void IValueTaskSource<ReadResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _source.OnCompleted(continuation, state, token, flags);
}
