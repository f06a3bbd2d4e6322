namespace EdgeConductor.Server.Ota;

/// <summary>
/// OTA settings (README configuration table, docs/ota.md): the upload size limit, the lifetime of signed download URLs,
/// the per-phase device timeouts and the retry count.
/// </summary>
public sealed class OtaOptions
{
    /// <summary>Largest firmware file accepted (EC_OTA_MAX_FIRMWARE_BYTES), default 16 MB (16,777,216 bytes).</summary>
    public long MaxFirmwareBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>How long a signed download URL is valid (EC_OTA_URL_TTL_SECONDS), default 1 hour.</summary>
    public TimeSpan DownloadUrlLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A device sent the update must start downloading (report <c>downloading</c> or fetch the file) within this (10 min).</summary>
    public TimeSpan SentTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>From <c>downloading</c> to <c>downloaded</c> (30 min: 16 MB over a slow GSM link).</summary>
    public TimeSpan DownloadTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>From <c>downloaded</c> to <c>installing</c> (10 min).</summary>
    public TimeSpan DownloadedTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>From <c>installing</c> to <c>rebooting</c> (10 min).</summary>
    public TimeSpan InstallTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>From <c>rebooting</c> (or an unconfirmed <c>succeeded</c>) to the new <c>fw_version</c> being reported (10 min).</summary>
    public TimeSpan ConfirmTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How many times a device is sent the update (EC_OTA_MAX_ATTEMPTS, default 3): a timeout before installing sends it
    /// again until the attempts are used up; then, and on any timeout from installing on, the device is failed: timed out.
    /// </summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>How often the OTA worker looks at active jobs (timeouts, rollout groups, rate) — 5 s.</summary>
    public TimeSpan WorkerInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one server instance holds a job it advances (a crashed instance's jobs are taken over after it).</summary>
    public TimeSpan JobLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The timeout of a device state, or null for states that wait without limit (queued, pending: the device may be offline for days).</summary>
    public TimeSpan? TimeoutFor(string state) => state switch
    {
        OtaStates.Sent => SentTimeout,
        OtaStates.Downloading => DownloadTimeout,
        OtaStates.Downloaded => DownloadedTimeout,
        OtaStates.Installing => InstallTimeout,
        OtaStates.Rebooting => ConfirmTimeout,
        _ => null,
    };

    public static OtaOptions FromConfiguration(IConfiguration config)
    {
        var o = new OtaOptions();
        if (long.TryParse(config["EC_OTA_MAX_FIRMWARE_BYTES"], out var max) && max > 0) o.MaxFirmwareBytes = max;
        if (int.TryParse(config["EC_OTA_URL_TTL_SECONDS"], out var ttl) && ttl > 0) o.DownloadUrlLifetime = TimeSpan.FromSeconds(ttl);
        if (int.TryParse(config["EC_OTA_MAX_ATTEMPTS"], out var attempts) && attempts > 0) o.MaxAttempts = attempts;
        return o;
    }
}
