using System.CommandLine;
using System.Text.Json;
using EdgeConductor.Cli.Infrastructure;
using EdgeConductor.Sdk.Telemetry;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace EdgeConductor.Cli.Commands;

/// <summary><c>ec telemetry watch | get</c>.</summary>
internal static class TelemetryCommands
{
    public static Command Create(CliCommands cli)
    {
        var telemetry = new Command("telemetry", "Live and historical telemetry");
        telemetry.Subcommands.Add(Watch(cli));
        telemetry.Subcommands.Add(Get(cli));
        return telemetry;
    }

    private static Command Watch(CliCommands cli)
    {
        var serial = new Argument<string>("SERIAL") { Description = "The device's serial number" };
        var interval = new Option<int>("--interval", "-i")
        {
            Description = "Poll interval in seconds when the live stream is unavailable (and reconnect delay)",
            DefaultValueFactory = _ => 5,
        };
        var count = new Option<int?>("--count") { Description = "Stop after this many readings" };
        var poll = new Option<bool>("--poll") { Description = "Poll instead of using the live stream" };
        var cmd = new Command("watch", "Stream live telemetry until Ctrl+C: changed readings, a heartbeat when an unchanged one arrives, and reconnects") { serial, interval, count, poll };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            var seconds = parse.GetValue(interval);
            if (seconds is < 1 or > 3600) throw new CliUsageException("-i/--interval must be between 1 and 3600 seconds.");
            var max = parse.GetValue(count);
            if (max is < 1) throw new CliUsageException("--count must be at least 1.");
            var s = parse.GetValue(serial)!;
            using var client = ctx.CreateClient();
            await client.Devices.GetAsync(s, ct); // a clear 404 before anything else
            var status = new WatchStatus();
            var lines = ctx.Json || !ctx.Env.Interactive;
            var options = new TelemetryStreamOptions
            {
                PollInterval = TimeSpan.FromSeconds(seconds),
                UseServerSentEvents = !parse.GetValue(poll),
                OnHeartbeat = h =>
                {
                    status.LastReading = h.LastReading;
                    status.Reconnecting = null;
                    if (lines && !h.Changed) ctx.Info($"[grey]{Format.Time(h.LastReading)}  ♥ reading received, values unchanged[/]");
                    status.Changed?.Invoke();
                },
                OnReconnecting = why =>
                {
                    status.Reconnecting = why;
                    if (lines) Reconnecting(ctx, why);
                    status.Changed?.Invoke();
                },
            };
            var stream = client.Telemetry.StreamAsync(s, options, ct);
            try
            {
                if (lines) await WatchLinesAsync(ctx, s, stream, max, ct);
                else await WatchLiveAsync(ctx, s, seconds, stream, status, max, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl+C: a clean stop.
            }
            ctx.Info("[grey]Stopped.[/]");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    /// <summary>What the watcher shows besides the readings: the last reading's time (a heartbeat) and whether it is reconnecting.</summary>
    private sealed class WatchStatus
    {
        public DateTimeOffset? LastReading { get; set; }
        public string? Reconnecting { get; set; }
        public Action? Changed { get; set; }
    }

    /// <summary>"Reconnecting": a grey line, or under --json a JSON line on standard error (standard output keeps only readings).</summary>
    private static void Reconnecting(CliContext ctx, string why)
    {
        if (ctx.Json)
        {
            ctx.Env.Error.WriteLine(JsonSerializer.Serialize(new { @event = "reconnecting", detail = why }, EdgeConductor.Sdk.EdgeConductorJson.Options));
            ctx.Env.Error.Flush();
        }
        else ctx.Info($"[yellow]Reconnecting:[/] {Markup.Escape(why)}");
    }

    /// <summary>
    /// One line per changed reading: JSON lines under --json, else "time  key=value …"; without --json also a heartbeat line
    /// for a reading whose values did not change, and a line when the stream is reconnecting.
    /// </summary>
    private static async Task WatchLinesAsync(CliContext ctx, string serial, IAsyncEnumerable<TelemetryRecord> stream, int? max, CancellationToken ct)
    {
        ctx.Info($"Watching [bold]{Markup.Escape(serial)}[/] (Ctrl+C to stop)");
        var n = 0;
        await foreach (var r in stream.WithCancellation(ct))
        {
            if (ctx.Json) ctx.WriteJsonLine(r);
            else
            {
                var values = r.Data.ValueKind == JsonValueKind.Object
                    ? string.Join("  ", r.Data.EnumerateObject().Select(p => $"{p.Name}={Format.Value(p.Value)}"))
                    : r.Data.GetRawText();
                ctx.Env.Out.WriteLine($"{Format.Time(r.Ts)}  {values}");
                ctx.Env.Out.Flush();
            }
            if (max is { } m && ++n >= m) return;
        }
    }

    /// <summary>A live-updating table of the latest reading.</summary>
    private static async Task WatchLiveAsync(CliContext ctx, string serial, int seconds, IAsyncEnumerable<TelemetryRecord> stream,
        WatchStatus status, int? max, CancellationToken ct)
    {
        var n = 0;
        TelemetryRecord? current = null;
        await ctx.Console.Live(Render(serial, null, 0, seconds, status)).AutoClear(false).StartAsync(async live =>
        {
            status.Changed = () => live.UpdateTarget(Render(serial, current, n, seconds, status));
            await foreach (var r in stream.WithCancellation(ct))
            {
                n++;
                current = r;
                live.UpdateTarget(Render(serial, r, n, seconds, status));
                if (max is { } m && n >= m) return;
            }
        });
    }

    private static IRenderable Render(string serial, TelemetryRecord? r, int n, int seconds, WatchStatus watch)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Reading").AddColumn(new TableColumn("Value").RightAligned());
        if (r is null) table.AddRow("[grey]waiting for data…[/]", "");
        else if (r.Data.ValueKind == JsonValueKind.Object)
            foreach (var p in r.Data.EnumerateObject())
                table.AddRow(Markup.Escape(p.Name), Markup.Escape(Format.Value(p.Value)));
        var last = watch.LastReading ?? r?.Ts;
        var status = watch.Reconnecting is { } why
            ? $"[yellow]reconnecting: {Markup.Escape(why)}[/]"
            : last is null
                ? "[grey]waiting for the next reading…[/]"
                : $"[grey]last reading {Format.Time(last)} · {n} change(s)[/]";
        return new Rows(
            new Markup($"[bold]{Markup.Escape(serial)}[/]  {status}"),
            table,
            new Markup($"[grey]Live stream (falls back to polling every {seconds}s). Ctrl+C to stop.[/]"));
    }

    private static Command Get(CliCommands cli)
    {
        var serial = new Argument<string>("SERIAL") { Description = "The device's serial number" };
        var limit = new Option<int?>("-n", "--limit") { Description = "How many records (default 20; with --hours, at most this many)" };
        var hours = new Option<int?>("--hours") { Description = "Records of the last H hours (1–168), oldest first" };
        var cmd = new Command("get", "Historical telemetry: the last N records, or the last H hours") { serial, limit, hours };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            var n = parse.GetValue(limit);
            var h = parse.GetValue(hours);
            if (n is < 1 or > 10_000) throw new CliUsageException("-n must be between 1 and 10000.");
            if (h is < 1 or > 168) throw new CliUsageException("--hours must be between 1 and 168.");
            var s = parse.GetValue(serial)!;
            using var client = ctx.CreateClient();
            var records = h is { } hh
                ? await client.Telemetry.HistoryAsync(s, hh, n, ct)
                : await client.Telemetry.RecentAsync(s, n ?? 20, ct);
            if (ctx.Json)
            {
                ctx.WriteJson(records);
                return ExitCodes.Ok;
            }
            // Table rows oldest first, whichever endpoint answered.
            var rows = records.OrderBy(r => r.Ts).ToList();
            var keys = rows.Where(r => r.Data.ValueKind == JsonValueKind.Object)
                .SelectMany(r => r.Data.EnumerateObject().Select(p => p.Name)).Distinct().ToList();
            var table = new Table().Border(TableBorder.Rounded).AddColumn("Time");
            foreach (var k in keys) table.AddColumn(new TableColumn(Markup.Escape(k)).RightAligned());
            foreach (var r in rows)
            {
                var cells = new List<string> { Format.Time(r.Ts) };
                foreach (var k in keys)
                    cells.Add(r.Data.ValueKind == JsonValueKind.Object && r.Data.TryGetProperty(k, out var v) ? Markup.Escape(Format.Value(v)) : "");
                table.AddRow(cells.ToArray());
            }
            ctx.Console.Write(table);
            ctx.Info($"{rows.Count} record(s)" + (h is { } x ? $" in the last {x} hour(s)" : ""));
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
