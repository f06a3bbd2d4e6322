using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.RegularExpressions;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Devices;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Gateway;
using EdgeConductor.Server.Shadow;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Telemetry;

public static partial class TelemetryApi
{
    /// <summary>The answer to a telemetry push: <c>ts</c> is the newest reading time; <c>readings</c> how many the message
    /// carried, <c>duplicates</c> how many of them were re-sends of stored readings (same ts and content) not stored again.</summary>
    public sealed record PushResponse(bool Ok, DateTime Ts, int Readings, int Duplicates);
    public sealed record LatestValue(System.Text.Json.Nodes.JsonNode? Value, DateTime? Ts);
    public sealed record LatestResponse(string SerialNo, DateTime? LastSeen, Dictionary<string, LatestValue> Metrics);
    public sealed record BucketDto(DateTime Ts, double Avg, double Min, double Max, long Count);

    /// <summary>Most records one history request returns: a week at one reading a second (history is streamed).</summary>
    public const int MaxHistoryLimit = 604_800;

    private static readonly Dictionary<string, long> Intervals = new()
    {
        ["1m"] = 60_000, ["5m"] = 300_000, ["15m"] = 900_000, ["1h"] = 3_600_000, ["6h"] = 21_600_000, ["1d"] = 86_400_000,
    };

    public static RouteGroupBuilder MapTelemetryApi(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/devices/{serial}/telemetry").WithTags("Telemetry");
        g.MapPost("/", Push).AllowAnonymous().VerifiesDeviceCredential() // device credential or bearer, checked in the handler
            .Produces<PushResponse>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(404);
        g.MapGet("/", History).Produces<OpenApi.TelemetryRecord[]>().ProducesProblem(400).ProducesProblem(404);
        g.MapGet("/recent", Recent).Produces<OpenApi.TelemetryRecord[]>().ProducesProblem(400).ProducesProblem(404);
        g.MapGet("/latest", Latest).Produces<LatestResponse>().ProducesProblem(404);
        g.MapGet("/aggregate", Aggregate).Produces<BucketDto[]>().ProducesProblem(400).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> Push(string serial, RequestContext ctx, DeviceStore devices, IDeviceMessageSink sink)
    {
        var (device, _) = await DeviceCredential.RequireDeviceOrCallerAsync(serial, ctx, devices, write: true);
        var body = await ReadBodyAsync(ctx.Http.Request.BodyReader, DevicePayload.MaxBatchBytes, ctx.Aborted);
        if (IsNdjson(ctx.Http.Request.ContentType)) body = NdjsonToArray(body);
        var result = await sink.ReceiveAsync(new DeviceRef(device.Id, device.SerialNo, device.OrgId), DeviceMessageKind.Telemetry, body, ctx.Aborted);
        if (!result.Accepted) throw ApiException.BadRequest("Telemetry rejected: " + result.Error);
        return TypedResults.Ok(new PushResponse(true, Times.ToUtc(result.Ts), result.Readings, result.Duplicates));
    }

    private static bool IsNdjson(string? contentType) =>
        contentType is not null && (contentType.StartsWith("application/x-ndjson", StringComparison.OrdinalIgnoreCase)
            || contentType.StartsWith("application/ndjson", StringComparison.OrdinalIgnoreCase)
            || contentType.StartsWith("application/jsonl", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// NDJSON (one reading object per line; blank lines skipped) as the equivalent JSON array, so both forms go through the
    /// same validation: reading [i] is the i-th non-blank line (0-based). Each line must be exactly one JSON value, so a line
    /// cannot smuggle in a second reading or close the array.
    /// </summary>
    private static ReadOnlyMemory<byte> NdjsonToArray(ReadOnlyMemory<byte> body)
    {
        var output = new ArrayBufferWriter<byte>(body.Length + 16);
        output.Write("["u8);
        var rest = body.Span;
        var index = 0;
        while (rest.Length > 0)
        {
            var nl = rest.IndexOf((byte)'\n');
            var line = (nl < 0 ? rest : rest[..nl]).Trim(" \t\r"u8);
            rest = nl < 0 ? default : rest[(nl + 1)..];
            if (line.IsEmpty) continue;
            try
            {
                var reader = new System.Text.Json.Utf8JsonReader(line, new System.Text.Json.JsonReaderOptions { MaxDepth = JsonTree.ReaderMaxDepth });
                reader.Read();
                reader.Skip();
                if (reader.Read()) throw new System.Text.Json.JsonException("more than one JSON value on the line");
            }
            catch (System.Text.Json.JsonException ex)
            {
                throw ApiException.BadRequest($"Telemetry rejected: reading [{index}]: line is not one JSON value: {ex.Message}");
            }
            if (index++ > 0) output.Write(","u8);
            output.Write(line);
        }
        if (index == 0) throw ApiException.BadRequest("Telemetry rejected: the body has no readings.");
        output.Write("]"u8);
        return output.WrittenMemory;
    }

    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(PipeReader reader, int max, CancellationToken ct)
    {
        while (true)
        {
            var read = await reader.ReadAsync(ct);
            if (read.Buffer.Length > max)
            {
                reader.AdvanceTo(read.Buffer.Start);
                throw ApiException.BadRequest($"Telemetry rejected: payload is larger than {max} bytes.");
            }
            if (read.IsCompleted)
            {
                var bytes = read.Buffer.ToArray();
                reader.AdvanceTo(read.Buffer.End);
                if (bytes.Length == 0) throw ApiException.BadRequest("Telemetry rejected: the body is empty; send a JSON object.");
                return bytes;
            }
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    private static async Task<IResult> History(string serial, int? hours, int? limit, RequestContext ctx, DeviceStore devices, TelemetryStore store)
    {
        var device = await DevicesApi.RequireDeviceAsync(serial, ctx, devices);
        var h = hours ?? 24;
        if (h is < 1 or > 168) throw ApiException.Invalid("hours", "must be between 1 and 168");
        var l = limit ?? 10_000;
        if (l is < 1 or > MaxHistoryLimit) throw ApiException.Invalid("limit", $"must be between 1 and {MaxHistoryLimit}");
        var now = devices.Now;
        return new RecordStream(store.HistoryAsync(device.Id, now - h * 3_600_000L, now + 300_000, l, ctx.Aborted));
    }

    private static async Task<IResult> Recent(string serial, int? limit, RequestContext ctx, DeviceStore devices, TelemetryStore store)
    {
        var device = await DevicesApi.RequireDeviceAsync(serial, ctx, devices);
        var l = limit ?? 20;
        if (l is < 1 or > 1_000) throw ApiException.Invalid("limit", "must be between 1 and 1000");
        return Records(await store.RecentAsync(device.Id, l, ctx.Aborted));
    }

    private static async Task<IResult> Latest(string serial, RequestContext ctx, DeviceStore devices, ShadowStore shadows)
    {
        var device = await DevicesApi.RequireDeviceAsync(serial, ctx, devices);
        var state = await shadows.GetAsync(device.Id, ctx.Aborted) ?? throw ApiException.NotFound($"Device '{serial}' not found.");
        var metrics = new Dictionary<string, LatestValue>();
        foreach (var (key, value) in state.Reported)
            metrics[key] = new LatestValue(value?.DeepClone(), Times.ToUtc(state.ReportedAt(key))); // an object: its newest leaf's time
        return TypedResults.Ok(new LatestResponse(serial, Times.ToUtc(device.LastSeen), metrics));
    }

    private static async Task<IResult> Aggregate(string serial, string? metric, string? interval, string? from, string? to,
        RequestContext ctx, DeviceStore devices, TelemetryStore store)
    {
        var device = await DevicesApi.RequireDeviceAsync(serial, ctx, devices);
        if (string.IsNullOrEmpty(metric) || !FieldName.IsValid(metric)) throw ApiException.Invalid("metric", "is required: a field name such as temp");
        var i = interval ?? "1h";
        if (!Intervals.TryGetValue(i, out var bucketMs)) throw ApiException.Invalid("interval", $"must be one of {string.Join(", ", Intervals.Keys)}");
        var toMs = to is null ? devices.Now : ParseTime(to, "to");
        var fromMs = from is null ? toMs - 86_400_000 : ParseTime(from, "from");
        if (fromMs >= toMs) throw ApiException.Invalid("from", "must be before 'to'");
        if ((toMs - fromMs) / bucketMs > 10_000) throw ApiException.Invalid("interval", "gives more than 10000 buckets for this range; use a larger interval");
        var buckets = await store.AggregateAsync(device.Id, metric, bucketMs, fromMs, toMs, ctx.Aborted);
        return TypedResults.Ok(buckets.Select(b => new BucketDto(Times.ToUtc(b.Ts), b.Avg, b.Min, b.Max, b.Count)));
    }

    private static long ParseTime(string value, string field) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t.ToUnixTimeMilliseconds()
            : throw ApiException.Invalid(field, "must be an ISO-8601 time such as 2026-11-22T10:00:00Z");

    /// <summary>[{ "ts": ISO, ...payload }] without re-parsing the stored JSON.</summary>
    private static IResult Records(IReadOnlyList<TelemetryStore.Record> rows)
    {
        var sb = new StringBuilder(rows.Count * 96 + 2).Append('[');
        for (var i = 0; i < rows.Count; i++)
        {
            if (i > 0) sb.Append(',');
            AppendRecord(sb, rows[i]);
        }
        return Results.Text(sb.Append(']').ToString(), "application/json; charset=utf-8");
    }

    private static void AppendRecord(StringBuilder sb, TelemetryStore.Record record)
    {
        var body = record.Payload.AsSpan().TrimStart();
        sb.Append("{\"ts\":\"").Append(Times.Iso(record.Ts)).Append('"');
        if (body.Length > 2) sb.Append(',').Append(body[1..]);
        else sb.Append('}');
    }

    /// <summary>
    /// The same JSON array as <see cref="Records"/>, written to the response as the database yields rows, in chunks of
    /// about 64 KB. The first row is read before the status line goes out, so a failing query still answers with a
    /// problem document; a failure after that can only abort the response.
    /// </summary>
    private sealed class RecordStream(IAsyncEnumerable<TelemetryStore.Record> rows) : IResult
    {
        private const int ChunkChars = 32 * 1024;

        public async Task ExecuteAsync(HttpContext http)
        {
            await using var e = rows.GetAsyncEnumerator(http.RequestAborted);
            var any = await e.MoveNextAsync();
            http.Response.ContentType = "application/json; charset=utf-8";
            var body = http.Response.BodyWriter;
            var sb = new StringBuilder(ChunkChars + 1024).Append('[');
            for (var first = true; any; any = await e.MoveNextAsync(), first = false)
            {
                if (!first) sb.Append(',');
                AppendRecord(sb, e.Current);
                if (sb.Length >= ChunkChars) await FlushAsync(sb, body, http.RequestAborted);
            }
            sb.Append(']');
            await FlushAsync(sb, body, http.RequestAborted);
        }

        private static async Task FlushAsync(StringBuilder sb, PipeWriter body, CancellationToken ct)
        {
            foreach (var chunk in sb.GetChunks())
            {
                var span = body.GetSpan(Encoding.UTF8.GetMaxByteCount(chunk.Length));
                var n = Encoding.UTF8.GetBytes(chunk.Span, span);
                body.Advance(n);
            }
            sb.Clear();
            await body.FlushAsync(ct);
        }
    }
}
