using System.Text.Json.Nodes;

namespace EdgeConductor.Cli.Simulation;

/// <summary>
/// One simulated device acting like the ESP32 firmware: it boots (first message carries <c>fw_version</c>,
/// <c>reboot_reason</c> and <c>uptime</c>), takes a reading every interval with a <c>seq</c> counter and its <c>ts</c>,
/// sends it (or buffers it while out of coverage, trackers), applies desired state, answers commands and performs OTA.
/// All of its work runs on one loop, so its state needs no locks; the link only queues what arrives.
/// </summary>
internal sealed partial class SimulatedDevice
{
    /// <summary>Readings in one buffered upload (array message); well below the server's message limits.</summary>
    private const int BatchSize = 50;

    private readonly SimulationOptions _options;
    private readonly SimulationCounters _counters;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly ReadingGenerator _generator;
    private readonly List<PendingReading> _buffer = [];
    private readonly JsonObject _applied = [];
    private readonly HashSet<string> _handledCommands = [];
    private readonly int _bufferCapacity;
    private long _readingsSinceBoot;
    private double _ttff;
    private bool _bootMessagePending = true;
    private int _coverageGapLeft;
    private bool _offlineDone;
    private DateTimeOffset _offlineStart = DateTimeOffset.MaxValue, _offlineEnd = DateTimeOffset.MaxValue;
    private DateTimeOffset _nextFlap = DateTimeOffset.MaxValue, _nextConnectAttempt;
    private bool _wasConnected;
    private bool _relay;
    private double _setpoint = 21;

    public SimulatedDevice(int index, DeviceCredentials credentials, SimulationOptions options, SimulationCounters counters, TimeProvider time,
        HttpClient http, DeviceLink link)
    {
        Index = index;
        Credentials = credentials;
        _options = options;
        _counters = counters;
        _time = time;
        _http = http;
        Link = link;
        FwVersion = options.FwVersion;
        _generator = new ReadingGenerator(options.Seed, index, options.Profile, options.Interval);
        _bufferCapacity = options.Profile == SimulationProfile.Tracker ? 1000 : 20;
        _ttff = _generator.NextTtff();
    }

    public int Index { get; }

    public DeviceCredentials Credentials { get; }

    public string Serial => Credentials.SerialNo;

    public DeviceLink Link { get; }

    /// <summary>The firmware version running now.</summary>
    public string FwVersion { get; private set; }

    /// <summary>Why the device last booted: POWERON, SW, BROWNOUT, PANIC (seed 001 "Diagnostics").</summary>
    public string RebootReason { get; private set; } = "POWERON";

    /// <summary>The last reading's number (readings are 1, 2, … with no gaps).</summary>
    public long Seq { get; private set; }

    /// <summary>Readings taken but not yet sent.</summary>
    public int Buffered => _buffer.Count;

    private DateTimeOffset Now => _time.GetUtcNow();

    private bool InOfflineWindow => Now >= _offlineStart && Now < _offlineEnd;

    /// <summary>Boots, then runs until <paramref name="ct"/> is cancelled.</summary>
    /// <param name="startGate">Limits how many devices connect at the same time.</param>
    /// <param name="firstConnect">Completed after the first connection attempt.</param>
    /// <param name="stop">Stops the device between two steps: what it is doing (a publish, a download) finishes first.</param>
    /// <param name="ct">Stops the device at once (the grace after <paramref name="stop"/> ran out).</param>
    public async Task RunAsync(SemaphoreSlim startGate, TaskCompletionSource firstConnect, CancellationToken stop, CancellationToken ct)
    {
        var start = Now;
        if (_options.OfflineFor is { } offFor)
        {
            var after = _options.OfflineAfter ?? (_options.Duration is { } d ? d / 3 : TimeSpan.FromMinutes(1));
            _offlineStart = start + after;
            _offlineEnd = _offlineStart + offFor;
        }
        if (_options.FlapEvery is { } flap) _nextFlap = start + flap;

        await startGate.WaitAsync(stop);
        try
        {
            await TryConnectAsync(ct);
        }
        finally
        {
            startGate.Release();
            firstConnect.TrySetResult();
        }
        var nextTick = Now;
        while (!stop.IsCancellationRequested)
        {
            await WaitAsync(Min(nextTick, NextFaultEvent()), stop);
            if (stop.IsCancellationRequested) break;
            await ApplyConnectivityAsync(ct);
            while (Link.Inbound.TryRead(out var message)) await HandleAsync(message, ct);
            if (Now >= nextTick)
            {
                nextTick += _options.Interval;
                if (nextTick < Now) nextTick = Now + _options.Interval; // fell behind (a reboot, an OTA): do not burst
                await TickAsync(ct);
            }
        }
    }

    private DateTimeOffset NextFaultEvent()
    {
        var next = _nextFlap;
        if (!_offlineDone) next = Min(next, Now < _offlineStart ? _offlineStart : _offlineEnd);
        if (!Link.Connected && !InOfflineWindow) next = Min(next, _nextConnectAttempt);
        return next;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private async Task WaitAsync(DateTimeOffset until, CancellationToken ct)
    {
        var delay = until - Now;
        if (delay <= TimeSpan.Zero || Link.Inbound.TryPeek(out _)) return;
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var inbound = Link.Inbound.WaitToReadAsync(wake.Token).AsTask();
        var timer = Task.Delay(delay, _time, wake.Token);
        await Task.WhenAny(inbound, timer);
        await wake.CancelAsync();
        try
        {
            await Task.WhenAll(inbound, timer);
        }
        catch (OperationCanceledException)
        {
            // the other one
        }
    }

    /// <summary>Offline window, flapping, reconnecting after a lost connection.</summary>
    private async Task ApplyConnectivityAsync(CancellationToken ct)
    {
        if (_wasConnected && !Link.Connected)
        {
            _wasConnected = false; // the platform dropped us (server restart, secret rotated, …)
            SimulationCounters.Add(ref _counters.Disconnects);
        }
        if (InOfflineWindow)
        {
            if (Link.Connected) await DropAsync(graceful: false);
            return;
        }
        if (!_offlineDone && Now >= _offlineEnd) _offlineDone = true;
        if (Now >= _nextFlap)
        {
            _nextFlap = Now + _options.FlapEvery!.Value;
            if (Link.Connected)
            {
                await DropAsync(graceful: false);
                _nextConnectAttempt = Now; // back at once: a flap, not an outage
            }
        }
        if (!Link.Connected && Now >= _nextConnectAttempt) await TryConnectAsync(ct);
    }

    private async Task DropAsync(bool graceful)
    {
        _wasConnected = false;
        SimulationCounters.Add(ref _counters.Disconnects);
        await Link.DisconnectAsync(graceful);
    }

    private async Task TryConnectAsync(CancellationToken ct)
    {
        if (InOfflineWindow) return;
        try
        {
            await Link.ConnectAsync(ct);
            _wasConnected = true;
            if (_buffer.Count > 0) await FlushAsync(ct);
        }
        catch (SimulatedLinkException)
        {
            SimulationCounters.Add(ref _counters.Errors);
            var retry = TimeSpan.FromTicks(Math.Min(_options.Interval.Ticks, TimeSpan.FromSeconds(5).Ticks));
            _nextConnectAttempt = Now + retry;
        }
    }

    /// <summary>One reading: taken, then sent, or buffered while out of coverage (trackers).</summary>
    private async Task TickAsync(CancellationToken ct)
    {
        var inCoverage = true;
        if (_options.Profile == SimulationProfile.Tracker)
        {
            // One draw per tick from the fault stream; a gap lasts 3–12 readings.
            var draw = _generator.FaultRng.NextDouble();
            if (_coverageGapLeft > 0)
            {
                _coverageGapLeft--;
                inCoverage = false;
            }
            else if (draw < _options.CoverageLossRate)
            {
                _coverageGapLeft = _generator.FaultRng.Next(3, 13) - 1;
                inCoverage = false;
            }
        }
        // Climate and HVAC firmware take no reading while they cannot send; trackers log GPS positions regardless.
        if (!Link.Connected && _options.Profile != SimulationProfile.Tracker)
            return;
        Seq++;
        _readingsSinceBoot++;
        var reading = _generator.Next(Seq, _options.SpikeRate, _relay, _setpoint, out var spike);
        if (spike) SimulationCounters.Add(ref _counters.Spikes);
        reading["seq"] = Seq;
        reading["uptime"] = (long)Math.Round((_readingsSinceBoot - 1) * _options.Interval.TotalSeconds) + 3;
        reading["reboot_reason"] = RebootReason;
        if (_options.Profile == SimulationProfile.Tracker) reading["ttff"] = _ttff;
        if (_bootMessagePending)
        {
            reading["fw_version"] = FwVersion; // docs/ota.md: the first message after boot confirms the running version
            _bootMessagePending = false;
        }
        reading["ts"] = Now.ToUnixTimeMilliseconds();
        _buffer.Add(new PendingReading(reading, Seq));
        if (_buffer.Count > _bufferCapacity)
        {
            _buffer.RemoveAt(0);
            SimulationCounters.Add(ref _counters.Dropped);
        }
        if (inCoverage && Link.Connected) await FlushAsync(ct);
        if (Link.Connected && inCoverage) await PollAsync(ct);
    }

    private async Task PollAsync(CancellationToken ct)
    {
        try
        {
            await WithTimeout(t => Link.PollAsync(t), ct);
        }
        catch (SimulatedLinkException)
        {
            SimulationCounters.Add(ref _counters.Errors);
        }
    }

    /// <summary>Sends what is buffered: one object, or arrays of up to <see cref="BatchSize"/> readings with their own ts.</summary>
    private async Task FlushAsync(CancellationToken ct)
    {
        while (_buffer.Count > 0 && Link.Connected)
        {
            var n = Math.Min(BatchSize, _buffer.Count);
            var batch = _buffer.GetRange(0, n);
            JsonNode payload = n == 1 ? batch[0].Reading.DeepClone() : new JsonArray(batch.Select(b => (JsonNode)b.Reading.DeepClone()).ToArray());
            foreach (var b in batch)
            {
                if (b.Sent) continue;
                b.Sent = true;
                SimulationCounters.Add(ref _counters.Sent);
            }
            bool ok;
            try
            {
                ok = await WithTimeout(t => Link.SendTelemetryAsync(payload, t), ct);
            }
            catch (SimulatedLinkException)
            {
                // The connection died under the message: keep it and send it again later; its ts makes the retry a
                // duplicate the server ignores if the first copy was stored.
                if (Link.Connected) await DropAsync(graceful: false);
                else _wasConnected = false;
                _nextConnectAttempt = Now;
                return;
            }
            _buffer.RemoveRange(0, n);
            if (n > 1) SimulationCounters.Add(ref _counters.BatchUploads);
            if (ok) SimulationCounters.Add(ref _counters.Acknowledged, n);
            else SimulationCounters.Add(ref _counters.Errors);
        }
    }

    /// <summary>Runs one link call with a 30 s limit; a timeout counts as a broken connection.</summary>
    private static async Task<T> WithTimeout<T>(Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            return await call(limit.Token);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new SimulatedLinkException("timed out", ex);
        }
    }

    private static Task WithTimeout(Func<CancellationToken, Task> call, CancellationToken ct) =>
        WithTimeout<bool>(async t =>
        {
            await call(t);
            return true;
        }, ct);

    /// <summary>Stops: a graceful disconnect; buffered readings stay unsent (counted as buffered).</summary>
    public async Task StopAsync()
    {
        try
        {
            if (Link.Connected) await Link.DisconnectAsync(graceful: true);
        }
        catch (Exception ex) when (ex is SimulatedLinkException or IOException or ObjectDisposedException)
        {
            // already gone
        }
        await Link.DisposeAsync();
    }

    private sealed class PendingReading(JsonObject reading, long seq)
    {
        public JsonObject Reading { get; } = reading;
        public long Seq { get; } = seq;
        public bool Sent { get; set; }
    }
}
