using System.Text;

namespace EdgeConductor.Sdk.Http;

/// <summary>Reads text/event-stream events (event:, data:, comments, blank-line dispatch) from a stream.</summary>
internal sealed class SseReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8);

    /// <summary>The next event, or null at the end of the stream.</summary>
    public async Task<SseEvent?> ReadAsync(CancellationToken ct)
    {
        string? type = null;
        var data = new StringBuilder();
        var any = false;
        while (await _reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                if (any) return new SseEvent(type ?? "message", data.ToString());
                continue;
            }
            if (line[0] == ':') continue;
            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' ')) value = value[1..];
            switch (field)
            {
                case "event":
                    type = value;
                    any = true;
                    break;
                case "data":
                    if (data.Length > 0) data.Append('\n');
                    data.Append(value);
                    any = true;
                    break;
            }
        }
        return null;
    }

    public void Dispose() => _reader.Dispose();
}
