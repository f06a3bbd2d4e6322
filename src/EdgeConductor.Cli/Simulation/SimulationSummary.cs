namespace EdgeConductor.Cli.Simulation;

/// <summary>
/// What a simulation did. <c>lost</c> = <c>sent</c> − <c>stored</c>, where <c>stored</c> counts the distinct <c>seq</c>
/// values the API returns for the devices (telemetry history), so loss is measured, not assumed.
/// </summary>
/// <param name="Devices">Devices simulated.</param>
/// <param name="Profile">climate, tracker or hvac.</param>
/// <param name="Transport">mqtt or https.</param>
/// <param name="Seed">The seed used.</param>
/// <param name="ElapsedSeconds">How long the fleet ran.</param>
/// <param name="Readings">Readings taken (the highest <c>seq</c> summed over the devices).</param>
/// <param name="Sent">Readings transmitted at least once.</param>
/// <param name="Acknowledged">Readings the platform acknowledged (MQTT PUBACK below 0x80, HTTP 2xx).</param>
/// <param name="Stored">Readings found through the API; null when not checked.</param>
/// <param name="Lost">Sent − stored; null when not checked.</param>
/// <param name="Buffered">Readings still buffered on devices at the end (taken, never sent).</param>
/// <param name="Dropped">Readings dropped because a device's buffer was full.</param>
/// <param name="BatchUploads">Buffered uploads (one array message each).</param>
/// <param name="Spikes">Anomaly spikes injected.</param>
/// <param name="Disconnects">Connections lost or dropped (faults, reboots, flapping).</param>
/// <param name="CommandsReceived">Commands received (distinct ids).</param>
/// <param name="DesiredApplied">Desired-state messages applied and reported back.</param>
/// <param name="Reboots">Reboots carried out.</param>
/// <param name="Ota">OTA outcomes.</param>
/// <param name="Errors">Unexpected errors (connect refused, …), counted.</param>
public sealed record SimulationSummary(
    int Devices, string Profile, string Transport, int Seed, double ElapsedSeconds,
    long Readings, long Sent, long Acknowledged, long? Stored, long? Lost, long Buffered, long Dropped, long BatchUploads,
    long Spikes, long Disconnects, long CommandsReceived, long DesiredApplied, long Reboots, OtaSummary Ota, long Errors);

/// <summary>OTA updates the fleet went through.</summary>
/// <param name="Offered">Update offers received (distinct jobs).</param>
/// <param name="Succeeded">Devices that now run the new version.</param>
/// <param name="ChecksumFailed">Downloads refused because the SHA-256 did not match.</param>
/// <param name="RolledBack">Images that did not boot (bootloader rolled back).</param>
/// <param name="Resumed">Downloads resumed with a Range request after a power loss.</param>
/// <param name="Failed">Other failures (download error).</param>
public sealed record OtaSummary(long Offered, long Succeeded, long ChecksumFailed, long RolledBack, long Resumed, long Failed);

/// <summary>The running counts behind <see cref="SimulationSummary"/>, updated by every device.</summary>
internal sealed class SimulationCounters
{
    public long Sent, Acknowledged, Dropped, BatchUploads, Spikes, Disconnects, Commands, DesiredApplied, Reboots, Errors;
    public long OtaOffered, OtaSucceeded, OtaChecksumFailed, OtaRolledBack, OtaResumed, OtaFailed;

    public static void Add(ref long field, long n = 1) => Interlocked.Add(ref field, n);

    public OtaSummary Ota() => new(Volatile.Read(ref OtaOffered), Volatile.Read(ref OtaSucceeded), Volatile.Read(ref OtaChecksumFailed),
        Volatile.Read(ref OtaRolledBack), Volatile.Read(ref OtaResumed), Volatile.Read(ref OtaFailed));
}
