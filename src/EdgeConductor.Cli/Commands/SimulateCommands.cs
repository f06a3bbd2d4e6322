using System.CommandLine;
using System.Globalization;
using EdgeConductor.Cli.Infrastructure;
using EdgeConductor.Cli.Simulation;
using Spectre.Console;

namespace EdgeConductor.Cli.Commands;

/// <summary>
/// <c>ec simulate</c>: a fleet of simulated devices (issue 14) — a thin wrapper around <see cref="SimulationEngine"/>,
/// which holds all the behaviour and can be run in-process by other .NET code.
/// </summary>
internal static class SimulateCommands
{
    public static Command Create(CliCommands cli)
    {
        var profile = new Option<string>("--profile") { Description = "climate (EC-CLIMATE-V1), tracker or hvac", DefaultValueFactory = _ => "climate" };
        var count = new Option<int>("--count", "-n") { Description = $"How many devices (1–{SimulationOptions.MaxDevices})", DefaultValueFactory = _ => 10 };
        var transport = new Option<string>("--transport") { Description = "mqtt (WiFi devices) or https (GSM devices polling /commands)", DefaultValueFactory = _ => "mqtt" };
        var interval = new Option<double>("--interval", "-i") { Description = "Seconds between two readings of a device", DefaultValueFactory = _ => 5 };
        var duration = new Option<string>("--duration", "-d") { Description = "How long to run: 90, 90s, 10m, 2h (default: until Ctrl+C)" };
        var seed = new Option<int>("--seed") { Description = "Same seed → same readings", DefaultValueFactory = _ => 1 };
        var org = new Option<string>("--org") { Description = "Org to register the devices in (default: the org of your API key)" };
        var prefix = new Option<string>("--prefix") { Description = "Serial prefix: PREFIX-00001, PREFIX-00002, …", DefaultValueFactory = _ => "SIM" };
        var type = new Option<string>("--type") { Description = "Product type to register with (default: the profile's)" };
        var fw = new Option<string>("--fw-version") { Description = "Firmware version the devices start with", DefaultValueFactory = _ => "1.0.0" };
        var csv = new Option<string>("--from-csv") { Description = "Simulate the devices of an 'ec manufacture' CSV (serials and secrets) instead of registering" };
        var mqtt = new Option<string>("--mqtt") { Description = "MQTT broker host:port (default: the API host, port 1883; or EC_MQTT)" };
        var spikes = new Option<double>("--spike-rate") { Description = "Probability (0–1) that a reading is an anomaly spike" };
        var offline = new Option<double?>("--offline-minutes") { Description = "Each device goes offline once for this many minutes" };
        var offlineAfter = new Option<string>("--offline-after") { Description = "When the offline period starts (default: a third into --duration, or 1m)" };
        var flap = new Option<string>("--flap-every") { Description = "Flapping connectivity: drop and restore the connection this often (e.g. 30s)" };
        var coverage = new Option<double>("--coverage-loss") { Description = "Trackers: probability per reading of entering a 3–12 reading coverage gap", DefaultValueFactory = _ => 0.02 };
        var otaFault = new Option<string>("--ota-fault") { Description = "none, checksum (sha256 mismatch), boot (rolls back) or power-loss (resumes the download)", DefaultValueFactory = _ => "none" };
        var noVerify = new Option<bool>("--no-verify") { Description = "Do not count the stored readings through the API at the end" };
        var cmd = new Command("simulate", "Run simulated devices (climate, tracker, HVAC) against the platform; prints a summary at the end or on Ctrl+C")
        {
            profile, count, transport, interval, duration, seed, org, prefix, type, fw, csv, mqtt, spikes, offline, offlineAfter, flap, coverage, otaFault, noVerify,
        };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            if (!SimulationProfiles.TryParse(parse.GetValue(profile), out var p)) throw new CliUsageException("--profile must be climate, tracker or hvac.");
            var t = parse.GetValue(transport)?.ToLowerInvariant() switch
            {
                "mqtt" => SimulationTransport.Mqtt,
                "https" or "http" => SimulationTransport.Https,
                _ => throw new CliUsageException("--transport must be mqtt or https."),
            };
            var fault = parse.GetValue(otaFault)?.ToLowerInvariant() switch
            {
                "none" => OtaFault.None,
                "checksum" => OtaFault.Checksum,
                "boot" => OtaFault.Boot,
                "power-loss" => OtaFault.PowerLoss,
                _ => throw new CliUsageException("--ota-fault must be none, checksum, boot or power-loss."),
            };
            var seconds = parse.GetValue(interval);
            if (!double.IsFinite(seconds) || seconds < 0.05 || seconds > 86_400) throw new CliUsageException("--interval must be between 0.05 and 86400 seconds.");
            IReadOnlyList<DeviceCredentials>? devices = null;
            if (parse.GetValue(csv) is { } csvPath)
            {
                var path = Path.GetFullPath(csvPath, ctx.Env.WorkingDirectory);
                if (!File.Exists(path)) throw new CliUsageException($"--from-csv: {csvPath} does not exist.");
                try
                {
                    devices = DeviceCsv.Parse(await File.ReadAllTextAsync(path, ct));
                }
                catch (FormatException ex)
                {
                    throw new CliUsageException($"--from-csv {csvPath}: {ex.Message}");
                }
            }
            var creds = ctx.ResolveCredentials();
            var apiUrl = CliContext.ParseUrl(creds.Url);
            var (mqttHost, mqttPort) = ParseHostPort(parse.GetValue(mqtt) ?? ctx.Env.Variable("EC_MQTT"), apiUrl.Host);
            var offlineMinutes = parse.GetValue(offline);
            if (offlineMinutes is { } om && (!double.IsFinite(om) || om <= 0)) throw new CliUsageException("--offline-minutes must be a positive number.");
            var options = new SimulationOptions
            {
                Profile = p,
                Count = parse.GetValue(count),
                Transport = t,
                Interval = TimeSpan.FromSeconds(seconds),
                Duration = Duration(parse.GetValue(duration), "--duration"),
                Seed = parse.GetValue(seed),
                OrgId = parse.GetValue(org),
                Prefix = parse.GetValue(prefix)!,
                ProductType = parse.GetValue(type),
                FwVersion = parse.GetValue(fw)!,
                Devices = devices,
                ApiUrl = apiUrl,
                MqttHost = mqttHost,
                MqttPort = mqttPort,
                SpikeRate = parse.GetValue(spikes),
                OfflineFor = offlineMinutes is { } m ? TimeSpan.FromMinutes(m) : null,
                OfflineAfter = Duration(parse.GetValue(offlineAfter), "--offline-after"),
                FlapEvery = Duration(parse.GetValue(flap), "--flap-every"),
                CoverageLossRate = parse.GetValue(coverage),
                OtaFault = fault,
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentException ex)
            {
                throw new CliUsageException(ex.Message.Split(" (Parameter", 2)[0]);
            }
            var verify = !parse.GetValue(noVerify);
            using var client = devices is null || verify ? ctx.CreateClient() : null;
            using var deviceHttp = ctx.Env.HttpHandler is { } h ? new HttpClient(h, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(30) } : null;
            await using var engine = new SimulationEngine(options, verify || devices is null ? client : null, ctx.Env.Time, deviceHttp)
            {
                Log = line => ctx.Info(Markup.Escape(line)),
            };
            var runFor = options.Duration is { } d ? " for " + d.ToString("c", CultureInfo.InvariantCulture) : " until Ctrl+C";
            ctx.Info(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"Simulating {devices?.Count ?? options.Count} {p.ToString().ToLowerInvariant()} device(s) over {t.ToString().ToLowerInvariant()}, a reading every {seconds:0.##} s{runFor} (seed {options.Seed})")));
            var summary = await engine.RunAsync(ct);
            Print(ctx, summary, ct.IsCancellationRequested);
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static void Print(CliContext ctx, SimulationSummary s, bool interrupted)
    {
        if (ctx.Json)
        {
            ctx.WriteJson(s);
            return;
        }
        var table = new Table().HideHeaders().AddColumn("").AddColumn("");
        void Row(string name, string value) => table.AddRow(name, Markup.Escape(value));
        static string N(long? v) => v is { } x ? x.ToString("N0", CultureInfo.InvariantCulture) : "not checked";
        Row("devices", $"{s.Devices} {s.Profile} over {s.Transport}, seed {s.Seed}, {s.ElapsedSeconds:0.#} s" + (interrupted ? " (interrupted)" : ""));
        Row("readings sent", N(s.Sent));
        Row("acknowledged", N(s.Acknowledged));
        Row("stored (API)", N(s.Stored));
        Row("lost", N(s.Lost));
        if (s.Buffered > 0 || s.BatchUploads > 0) Row("buffered", $"{N(s.Buffered)} still on devices, {N(s.BatchUploads)} batch upload(s)");
        if (s.Dropped > 0) Row("dropped (buffer full)", N(s.Dropped));
        if (s.Spikes > 0) Row("spikes injected", N(s.Spikes));
        Row("disconnects", N(s.Disconnects));
        Row("commands received", $"{N(s.CommandsReceived)} ({N(s.Reboots)} reboot(s))");
        Row("desired applied", N(s.DesiredApplied));
        if (s.Ota.Offered > 0)
            Row("OTA", $"{s.Ota.Offered} offered: {s.Ota.Succeeded} succeeded, {s.Ota.ChecksumFailed} checksum failed, {s.Ota.RolledBack} rolled back, {s.Ota.Resumed} resumed, {s.Ota.Failed} failed");
        if (s.Errors > 0) Row("errors", N(s.Errors));
        ctx.Console.Write(table);
    }

    /// <summary><c>90</c> (seconds), <c>90s</c>, <c>10m</c>, <c>2h</c>, <c>1.5m</c>.</summary>
    internal static TimeSpan? Duration(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var t = text.Trim().ToLowerInvariant();
        var unit = t[^1] switch { 's' => 1.0, 'm' => 60.0, 'h' => 3600.0, _ => 0 };
        var number = unit == 0 ? t : t[..^1];
        if (unit == 0) unit = 1;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value <= 0 || value * unit > 366 * 86_400)
            throw new CliUsageException($"{option} must be a positive duration such as 90, 90s, 10m or 2h (got '{text}').");
        return TimeSpan.FromSeconds(value * unit);
    }

    private static (string Host, int Port) ParseHostPort(string? text, string defaultHost)
    {
        if (string.IsNullOrWhiteSpace(text)) return (defaultHost, 1883);
        var t = text.Trim();
        if (t.StartsWith("mqtt://", StringComparison.OrdinalIgnoreCase)) t = t[7..];
        var colon = t.LastIndexOf(':');
        if (colon < 0) return (t, 1883);
        if (!int.TryParse(t[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new CliUsageException($"--mqtt must be host:port (got '{text}').");
        return (colon == 0 ? defaultHost : t[..colon], port);
    }
}
