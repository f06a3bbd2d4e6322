namespace EdgeConductor.Server.Ota;

/// <summary>
/// The per-device OTA state machine (docs/ota.md): queued (waiting for its rollout group) → pending (released, waiting
/// for the device) → sent → downloading → downloaded → installing → rebooting → succeeded | failed; canceled (job
/// canceled before the device got it) and skipped (a downgrade not allowed, or already on the version) are terminal too.
/// </summary>
public static class OtaStates
{
    public const string Queued = "queued";
    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Downloading = "downloading";
    public const string Downloaded = "downloaded";
    public const string Installing = "installing";
    public const string Rebooting = "rebooting";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Canceled = "canceled";
    public const string Skipped = "skipped";

    /// <summary>The device has the update and is working on it.</summary>
    public static readonly string[] InProgress = [Sent, Downloading, Downloaded, Installing, Rebooting];

    /// <summary>Nothing more happens to the device in this job.</summary>
    public static readonly string[] Terminal = [Succeeded, Failed, Canceled, Skipped];

    /// <summary>The statuses a device reports on devices/{serial}/ota/status (issue 13).</summary>
    public static readonly string[] Reportable = [Downloading, Downloaded, Installing, Rebooting, Succeeded, Failed];

    public static bool IsTerminal(string state) => Terminal.Contains(state);

    /// <summary>Once a device reported installing (or later), coming back on the old version means it rolled back.</summary>
    public static bool IsPastInstall(string state) => state is Installing or Rebooting;
}

/// <summary>Job statuses: active, paused (by hand or by the error threshold), canceled, completed.</summary>
public static class OtaJobStatuses
{
    public const string Active = "active";
    public const string Paused = "paused";
    public const string Canceled = "canceled";
    public const string Completed = "completed";
}
