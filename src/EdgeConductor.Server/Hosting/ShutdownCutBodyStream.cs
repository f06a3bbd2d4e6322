using System.Buffers;
using System.IO.Pipelines;

namespace EdgeConductor.Server.Hosting;

/// <summary>
/// A request body read straight from the server's <see cref="PipeReader"/> whose reads end when the application starts
/// stopping: a pending read is woken with <see cref="PipeReader.CancelPendingRead"/> and it, or any later read, throws
/// <paramref name="onStopping"/>'s exception (a 503), so a half-sent request does not hold shutdown. The cancelled read
/// is completed with <see cref="PipeReader.AdvanceTo(SequencePosition)"/> so Kestrel's body state stays consistent
/// (cancelling the read's token, or Kestrel's own request stream, leave it "reading" and Kestrel logs an error).
/// </summary>
internal sealed class ShutdownCutBodyStream(PipeReader server, CancellationToken stopping, Func<Exception> onStopping) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (stopping.IsCancellationRequested) throw onStopping();
        ReadResult result;
        using (stopping.UnsafeRegister(static s => ((PipeReader)s!).CancelPendingRead(), server))
        {
            result = await server.ReadAsync(cancellationToken);
        }
        var data = result.Buffer;
        if (result.IsCanceled)
        {
            server.AdvanceTo(data.Start);
            throw onStopping();
        }
        var n = (int)Math.Min(buffer.Length, data.Length);
        data.Slice(0, n).CopyTo(buffer.Span);
        server.AdvanceTo(data.GetPosition(n));
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
