namespace EdgeConductor.Server.Hosting;

/// <summary>
/// A request body whose reads end when the application starts stopping: a pending or later read throws the exception
/// from <paramref name="onStopping"/> (a 503), so a half-sent request does not hold shutdown. Everything else passes through.
/// </summary>
internal sealed class ShutdownCutBodyStream(Stream inner, CancellationToken stopping, Func<Exception> onStopping) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (stopping.IsCancellationRequested) throw onStopping();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping);
        try
        {
            return await inner.ReadAsync(buffer, linked.Token);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw onStopping();
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        stopping.IsCancellationRequested ? throw onStopping() : inner.Read(buffer, offset, count);

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
