namespace EdgeConductor.Cli.Simulation;

/// <summary>What <see cref="SimulationEngine"/> simulates: the fleet, its transport, its timing and the faults injected.</summary>
public sealed record SimulationOptions
{
    /// <summary>Largest fleet one engine runs (issue 14: 1 … 10,000 devices).</summary>
    public const int MaxDevices = 10_000;

    /// <summary>The hardware profile of every device.</summary>
    public SimulationProfile Profile { get; init; } = SimulationProfile.Climate;

    /// <summary>How many devices (1 … <see cref="MaxDevices"/>). Ignored when <see cref="Devices"/> is given.</summary>
    public int Count { get; init; } = 1;

    /// <summary>MQTT (WiFi devices) or HTTPS polling (GSM devices).</summary>
    public SimulationTransport Transport { get; init; } = SimulationTransport.Mqtt;

    /// <summary>Time between two readings of one device (seed 001: every 5 seconds).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long to run; null = until cancelled.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Same seed → same readings (values, spikes, coverage gaps) for the device at the same position in the fleet.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Org to register devices in (default: the org of the API key).</summary>
    public string? OrgId { get; init; }

    /// <summary>Serial prefix: devices are PREFIX-00001, PREFIX-00002, … (as <c>ec manufacture</c> names them).</summary>
    public string Prefix { get; init; } = "SIM";

    /// <summary>Product type to register with; default the profile's (<see cref="SimulationProfiles.ProductType"/>).</summary>
    public string? ProductType { get; init; }

    /// <summary>Firmware version the devices start with.</summary>
    public string FwVersion { get; init; } = "1.0.0";

    /// <summary>Devices with known secrets (e.g. read from an <c>ec manufacture</c> CSV); when set, nothing is registered.</summary>
    public IReadOnlyList<DeviceCredentials>? Devices { get; init; }

    /// <summary>The API root, e.g. <c>http://localhost:8080/api/v1/</c>: GSM devices post and poll there.</summary>
    public required Uri ApiUrl { get; init; }

    /// <summary>MQTT broker host (default: the API URL's host).</summary>
    public string? MqttHost { get; init; }

    /// <summary>MQTT broker port (plain TCP).</summary>
    public int MqttPort { get; init; } = 1883;

    /// <summary>Probability (0–1) that a reading is an anomaly spike (temp ×1.8 + 5, co2 ×2.5, hum ×1.6).</summary>
    public double SpikeRate { get; init; }

    /// <summary>Every device goes offline once for this long (connectivity lost; trackers keep buffering).</summary>
    public TimeSpan? OfflineFor { get; init; }

    /// <summary>When the offline period starts, from the device's start (default: after 1/3 of the duration, or 1 minute).</summary>
    public TimeSpan? OfflineAfter { get; init; }

    /// <summary>Flapping connectivity: every this often the connection drops (no DISCONNECT) and comes back.</summary>
    public TimeSpan? FlapEvery { get; init; }

    /// <summary>Trackers: probability per reading of driving into a coverage gap of 3–12 readings (buffered, then uploaded as one batch).</summary>
    public double CoverageLossRate { get; init; } = 0.02;

    /// <summary>What goes wrong during an OTA update (default: nothing).</summary>
    public OtaFault OtaFault { get; init; } = OtaFault.None;

    /// <summary>How long a reboot (or a power loss) keeps the device away.</summary>
    public TimeSpan RebootDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Bytes per Range request when downloading firmware (at least 1,024).</summary>
    public int OtaChunkBytes { get; init; } = 64 * 1024;

    /// <summary>How many devices connect (or register) at the same time when the fleet starts.</summary>
    public int StartConcurrency { get; init; } = 64;

    /// <summary>Checks the validity of every option; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public void Validate()
    {
        if (Devices is null && Count is < 1 or > MaxDevices) throw new ArgumentException($"--count must be between 1 and {MaxDevices} (got {Count}).", nameof(Count));
        if (Devices is { Count: 0 }) throw new ArgumentException("the device list is empty.", nameof(Devices));
        if (Devices is { Count: > MaxDevices }) throw new ArgumentException($"at most {MaxDevices} devices (got {Devices.Count}).", nameof(Devices));
        if (Interval < TimeSpan.FromMilliseconds(50) || Interval > TimeSpan.FromHours(24))
            throw new ArgumentException("--interval must be between 0.05 s and 24 h.", nameof(Interval));
        if (Duration is { } d && d <= TimeSpan.Zero) throw new ArgumentException("--duration must be positive.", nameof(Duration));
        if (SpikeRate is < 0 or > 1 || double.IsNaN(SpikeRate)) throw new ArgumentException("--spike-rate must be between 0 and 1.", nameof(SpikeRate));
        if (CoverageLossRate is < 0 or > 1 || double.IsNaN(CoverageLossRate))
            throw new ArgumentException("--coverage-loss must be between 0 and 1.", nameof(CoverageLossRate));
        if (OfflineFor is { } o && o <= TimeSpan.Zero) throw new ArgumentException("--offline-minutes must be positive.", nameof(OfflineFor));
        if (FlapEvery is { } f && f < TimeSpan.FromMilliseconds(100)) throw new ArgumentException("--flap-every must be at least 0.1 s.", nameof(FlapEvery));
        if (MqttPort is < 1 or > 65535) throw new ArgumentException("the MQTT port must be 1–65535.", nameof(MqttPort));
        if (OtaChunkBytes < 1024) throw new ArgumentException("the OTA chunk must be at least 1024 bytes.", nameof(OtaChunkBytes));
        if (string.IsNullOrWhiteSpace(Prefix)) throw new ArgumentException("--prefix must not be empty.", nameof(Prefix));
    }
}

/// <summary>The simulated hardware (seeds 000/001).</summary>
public enum SimulationProfile
{
    /// <summary>EC-CLIMATE-V1: temp, hum, co2, bat, signal, heap, uptime, reboot_reason, relay.</summary>
    Climate,

    /// <summary>GPS tracker: lat, lng, speed, gps_fix, sats, ttff, bat, signal; buffers readings out of coverage.</summary>
    Tracker,

    /// <summary>HVAC controller: relay, setpoint, temp following the setpoint while the relay is on.</summary>
    Hvac,
}

/// <summary>How a simulated device talks to the platform.</summary>
public enum SimulationTransport
{
    /// <summary>WiFi devices: MQTT (username serial, password device secret).</summary>
    Mqtt,

    /// <summary>GSM devices: HTTPS POST telemetry and GET /devices/:serial/commands polling.</summary>
    Https,
}

/// <summary>An OTA failure to act out (docs/ota.md).</summary>
public enum OtaFault
{
    /// <summary>The update succeeds.</summary>
    None,

    /// <summary>The downloaded image's SHA-256 does not match: reported <c>failed: sha256 mismatch</c>, old firmware kept.</summary>
    Checksum,

    /// <summary>The new image does not boot: the bootloader rolls back and the device comes back on its old version.</summary>
    Boot,

    /// <summary>Power is lost half-way through the download; after the reboot the download resumes with a Range request.</summary>
    PowerLoss,
}

/// <summary>A device the simulator acts as: its serial and its secret (MQTT password, <c>X-Device-Secret</c>).</summary>
/// <param name="SerialNo">The serial number.</param>
/// <param name="DeviceSecret">The device secret.</param>
/// <param name="ProductType">Its product type, if known.</param>
public sealed record DeviceCredentials(string SerialNo, string DeviceSecret, string? ProductType = null);
