using System.Globalization;
using EdgeConductor.Cli.Commands;
using EdgeConductor.Sdk;
using EdgeConductor.Sdk.Devices;

namespace EdgeConductor.Cli.Simulation;

/// <summary>
/// A fleet of simulated devices, runnable in-process (tests, the web console's browser tests) or through
/// <c>ec simulate</c>: <see cref="StartAsync"/> registers (or takes) the devices, connects them and starts their loops;
/// <see cref="StopAsync"/> stops them; <see cref="SummarizeAsync"/> counts what happened and checks through the API how
/// many readings were stored. <see cref="RunAsync"/> does all three for <see cref="SimulationOptions.Duration"/>.
/// </summary>
public sealed class SimulationEngine : IAsyncDisposable
{
    private readonly SimulationOptions _options;
    private readonly EdgeConductorClient? _api;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly SimulationCounters _counters = new();
    private readonly List<SimulatedDevice> _devices = [];
    private readonly List<Task> _loops = [];
    private CancellationTokenSource? _running;
    private readonly CancellationTokenSource _hardStop = new();
    private readonly SemaphoreSlim _startGate;
    private DateTimeOffset _started;
    private DateTimeOffset? _stopped;

    /// <param name="options">The fleet.</param>
    /// <param name="api">The API client that registers devices and checks what was stored; may be null when
    /// <see cref="SimulationOptions.Devices"/> is given and no check is wanted.</param>
    /// <param name="time">The clock (intervals, offline windows, reboot delays).</param>
    /// <param name="deviceHttp">The HTTP client GSM devices and OTA downloads use (default: a new one).</param>
    public SimulationEngine(SimulationOptions options, EdgeConductorClient? api, TimeProvider? time = null, HttpClient? deviceHttp = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (api is null && options.Devices is null) throw new ArgumentException("an API client is needed to register devices.", nameof(api));
        _options = options;
        _api = api;
        _time = time ?? TimeProvider.System;
        _ownsHttp = deviceHttp is null;
        _startGate = new SemaphoreSlim(options.StartConcurrency);
        _http = deviceHttp ?? new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The devices, once started: serial and secret.</summary>
    public IReadOnlyList<DeviceCredentials> Devices => _devices.Select(d => d.Credentials).ToList();

    /// <summary>The running firmware version of each device (serial → version).</summary>
    public IReadOnlyDictionary<string, string> FirmwareVersions => _devices.ToDictionary(d => d.Serial, d => d.FwVersion);

    /// <summary>Called with a line of progress (registration, connection).</summary>
    public Action<string>? Log { get; init; }

    /// <summary>The serial of device number <paramref name="n"/> (1-based): PREFIX-00001 as <c>ec manufacture</c> names them.</summary>
    public static string SerialFor(string prefix, int n) => ManufactureCommand.SerialFor(prefix, n);

    /// <summary>Registers (or takes) the devices, connects them and starts them. Returns once every device made its first connection attempt.</summary>
    /// <exception cref="EdgeConductorApiException">Registration refused (e.g. 409: a serial belongs to another org).</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_running is not null) throw new InvalidOperationException("already started");
        var credentials = _options.Devices ?? await RegisterAsync(cancellationToken);
        var host = _options.MqttHost ?? _options.ApiUrl.Host;
        for (var i = 0; i < credentials.Count; i++)
        {
            var c = credentials[i];
            DeviceLink link = _options.Transport == SimulationTransport.Mqtt
                ? new MqttDeviceLink(host, _options.MqttPort, c.SerialNo, c.DeviceSecret, _time)
                : new HttpDeviceLink(_http, _options.ApiUrl, c.SerialNo, c.DeviceSecret);
            _devices.Add(new SimulatedDevice(i, c, _options, _counters, _time, _http, link));
        }
        _running = new CancellationTokenSource();
        _started = _time.GetUtcNow();
        var gate = _startGate;
        var connected = new List<Task>();
        foreach (var device in _devices)
        {
            var firstConnect = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            connected.Add(firstConnect.Task);
            var token = _running.Token;
            _loops.Add(Task.Run(async () =>
            {
                try
                {
                    await device.RunAsync(gate, firstConnect, token, _hardStop.Token);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                }
#pragma warning disable CA1031 // one device's bug must not stop the fleet: counted and logged
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    SimulationCounters.Add(ref _counters.Errors);
                    Log?.Invoke($"{device.Serial}: stopped by an error: {ex.GetType().Name}: {ex.Message}");
                }
                finally
                {
                    firstConnect.TrySetResult();
                }
            }, CancellationToken.None));
        }
        await Task.WhenAll(connected).WaitAsync(cancellationToken);
        Log?.Invoke($"{_devices.Count(d => d.Link.Connected)} of {_devices.Count} device(s) connected ({_options.Transport.ToString().ToLowerInvariant()})");
    }

    private async Task<IReadOnlyList<DeviceCredentials>> RegisterAsync(CancellationToken ct)
    {
        var type = _options.ProductType ?? SimulationProfiles.ProductType(_options.Profile);
        var result = new DeviceCredentials[_options.Count];
        var created = 0;
        await Parallel.ForEachAsync(Enumerable.Range(1, _options.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (n, token) =>
        {
            var serial = SerialFor(_options.Prefix, n);
            var device = await _api!.Devices.RegisterAsync(new RegisterDeviceRequest(serial, type, _options.FwVersion, _options.OrgId), token);
            string secret;
            if (device.Created && device.DeviceSecret is not null)
            {
                secret = device.DeviceSecret;
                Interlocked.Increment(ref created);
            }
            else
            {
                // Already registered (a second run): its secret was shown only once, so give it a new one.
                secret = (await _api.Devices.RotateSecretAsync(serial, token)).DeviceSecret;
            }
            result[n - 1] = new DeviceCredentials(serial, secret, type);
        });
        Log?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"{_options.Count} device(s) ready: {created} registered, {_options.Count - created} already registered (secret rotated)"));
        return result;
    }

    /// <summary>Stops every device (graceful disconnect). Idempotent.</summary>
    public async Task StopAsync()
    {
        if (_running is null || _stopped is not null) return;
        _stopped = _time.GetUtcNow();
        await _running.CancelAsync();
        // What devices are doing (a publish awaiting its PUBACK, a download) may finish; after 3 s it is cut.
        _hardStop.CancelAfter(TimeSpan.FromSeconds(3));
        await Task.WhenAll(_loops);
        await Parallel.ForEachAsync(_devices, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (d, _) => await d.StopAsync());
    }

    /// <summary>Starts, runs for <see cref="SimulationOptions.Duration"/> (or until cancelled), stops and summarizes (checking the API).</summary>
    /// <param name="cancellationToken">Stops the run early (Ctrl+C); the summary is still made.</param>
    /// <param name="verifyGrace">How long the stored-readings check may take after a cancellation.</param>
    public async Task<SimulationSummary> RunAsync(CancellationToken cancellationToken = default, TimeSpan? verifyGrace = null)
    {
        try
        {
            await StartAsync(cancellationToken);
            if (_options.Duration is { } duration) await Task.Delay(duration, _time, cancellationToken);
            else await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: stop cleanly and summarize.
        }
        await StopAsync();
        using var verify = new CancellationTokenSource();
        if (cancellationToken.IsCancellationRequested) verify.CancelAfter(verifyGrace ?? TimeSpan.FromSeconds(5)); // stop + check stay within ec's 10 s after Ctrl+C
        return await SummarizeAsync(verify: _api is not null, verify.Token);
    }

    /// <summary>The counts so far, without checking the API.</summary>
    public SimulationSummary Snapshot() => Summary(null);

    /// <summary>
    /// The counts; with <paramref name="verify"/> also <c>stored</c> (distinct <c>seq</c> values in each device's
    /// telemetry history, read through the API) and <c>lost</c> = sent − stored. A check cut short by
    /// <paramref name="cancellationToken"/> leaves both null.
    /// </summary>
    public async Task<SimulationSummary> SummarizeAsync(bool verify = true, CancellationToken cancellationToken = default)
    {
        if (!verify || _api is null || _devices.Count == 0) return Summary(null);
        var hours = (int)Math.Clamp(Math.Ceiling((_time.GetUtcNow() - _started).TotalHours) + 1, 1, 168);
        long stored = 0;
        var runStart = DateTimeOffset.FromUnixTimeMilliseconds(_started.ToUnixTimeMilliseconds()); // ts are stored to the ms
        try
        {
            await Parallel.ForEachAsync(_devices, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (d, token) =>
            {
                var records = await _api.Telemetry.HistoryAsync(d.Serial, hours, 604_800, token);
                var seqs = new HashSet<long>();
                foreach (var r in records)
                {
                    // Only this run's readings (each carries its own ts): a second run on the same serials starts at seq 1 again.
                    if (r.Ts >= runStart && r.GetNumber("seq") is { } s) seqs.Add((long)s);
                }
                Interlocked.Add(ref stored, seqs.Count);
            });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Summary(null);
        }
        return Summary(stored);
    }

    private SimulationSummary Summary(long? stored)
    {
        var c = _counters;
        var sent = Volatile.Read(ref c.Sent);
        var end = _stopped ?? _time.GetUtcNow();
        return new SimulationSummary(
            _devices.Count, _options.Profile.ToString().ToLowerInvariant(), _options.Transport.ToString().ToLowerInvariant(), _options.Seed,
            Math.Round(_running is null ? 0 : (end - _started).TotalSeconds, 1),
            _devices.Sum(d => d.Seq), sent, Volatile.Read(ref c.Acknowledged), stored, stored is null ? null : sent - stored,
            _devices.Sum(d => (long)d.Buffered), Volatile.Read(ref c.Dropped), Volatile.Read(ref c.BatchUploads), Volatile.Read(ref c.Spikes),
            Volatile.Read(ref c.Disconnects), Volatile.Read(ref c.Commands), Volatile.Read(ref c.DesiredApplied), Volatile.Read(ref c.Reboots),
            c.Ota(), Volatile.Read(ref c.Errors));
    }

    /// <summary>Stops the fleet and releases the HTTP client it created.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _running?.Dispose();
        _hardStop.Dispose();
        _startGate.Dispose();
        if (_ownsHttp) _http.Dispose();
    }
}
