using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace EdgeConductor.Cli.Simulation;

internal sealed partial class SimulatedDevice
{
    private readonly HashSet<string> _otaOffers = [];

    /// <summary>
    /// An update (docs/ota.md "Device protocol"): download with Range requests (resuming with <c>If-Range</c> after a power
    /// loss), check the SHA-256, install, reboot, confirm the new <c>fw_version</c>. <see cref="SimulationOptions.OtaFault"/>
    /// acts out a checksum mismatch, an image that does not boot (rolled back), or a power loss mid-download.
    /// </summary>
    private async Task HandleOtaAsync(OtaMessage ota, CancellationToken ct)
    {
        if (!_otaOffers.Add(ota.JobId ?? ota.Url)) return;
        SimulationCounters.Add(ref _counters.OtaOffered);
        if (ota.Version == FwVersion)
        {
            await ReportOtaAsync(ota, "succeeded", null, null, FwVersion, ct);
            SimulationCounters.Add(ref _counters.OtaSucceeded);
            return;
        }
        await ReportOtaAsync(ota, "downloading", 0, null, null, ct);
        var image = new MemoryStream();
        long? total = ota.Size;
        var powerLost = false;
        var lastReported = 0;
        while (total is null || image.Length < total)
        {
            var from = image.Length;
            var to = from + _options.OtaChunkBytes - 1;
            if (total is { } size) to = Math.Min(to, size - 1);
            using var request = new HttpRequestMessage(HttpMethod.Get, ota.Url);
            request.Headers.Range = new RangeHeaderValue(from, to);
            if (from > 0 && ota.Sha256 is not null) request.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue("\"" + ota.Sha256 + "\""));
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, ct);
            }
            catch (HttpRequestException ex)
            {
                await FailOtaAsync(ota, "download failed: " + ex.Message, ct);
                return;
            }
            using (response)
            {
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    image.SetLength(0); // the release changed (or no range support): start over with the whole file
                    await response.Content.CopyToAsync(image, ct);
                    total = image.Length;
                }
                else if (response.StatusCode == HttpStatusCode.PartialContent)
                {
                    await response.Content.CopyToAsync(image, ct);
                    total ??= response.Content.Headers.ContentRange?.Length;
                }
                else
                {
                    await FailOtaAsync(ota, $"download failed: HTTP {(int)response.StatusCode}", ct);
                    return;
                }
            }
            if (total is null) total = image.Length;
            var progress = (int)(image.Length * 100 / Math.Max(1, total.Value));
            if (progress - lastReported >= 25 && progress < 100)
            {
                lastReported = progress;
                await ReportOtaAsync(ota, "downloading", progress, null, null, ct);
            }
            if (_options.OtaFault == OtaFault.PowerLoss && !powerLost && image.Length * 2 >= total && image.Length < total)
            {
                // Power gone: the connection dies without DISCONNECT; what was written to flash survives, the rest resumes.
                powerLost = true;
                await RebootAsync("BROWNOUT", graceful: false, ct);
                SimulationCounters.Add(ref _counters.OtaResumed);
                await ReportOtaAsync(ota, "downloading", progress, null, null, ct);
            }
        }
        var bytes = image.ToArray();
        if (_options.OtaFault == OtaFault.Checksum && bytes.Length > 0) bytes[bytes.Length / 2] ^= 0xFF; // a corrupted flash write
        var digest = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (ota.Sha256 is not null && !string.Equals(digest, ota.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            await ReportOtaAsync(ota, "failed", null, $"sha256 mismatch: expected {ota.Sha256}, got {digest}", null, ct);
            SimulationCounters.Add(ref _counters.OtaChecksumFailed);
            return;
        }
        await ReportOtaAsync(ota, "downloaded", 100, null, null, ct);
        await ReportOtaAsync(ota, "installing", null, null, null, ct);
        await ReportOtaAsync(ota, "rebooting", null, null, null, ct);
        if (_options.OtaFault == OtaFault.Boot)
        {
            // The new image panics on boot; the bootloader rolls back and the old version comes up again.
            await RebootAsync("PANIC", graceful: true, ct);
            await ReportOtaAsync(ota, "failed", null, $"rolled back: {ota.Version} did not boot", FwVersion, ct);
            SimulationCounters.Add(ref _counters.OtaRolledBack);
            return;
        }
        FwVersion = ota.Version;
        await RebootAsync("SW", graceful: true, ct);
        await ReportOtaAsync(ota, "succeeded", null, null, FwVersion, ct);
        SimulationCounters.Add(ref _counters.OtaSucceeded);
    }

    private async Task FailOtaAsync(OtaMessage ota, string error, CancellationToken ct)
    {
        await ReportOtaAsync(ota, "failed", null, error, null, ct);
        SimulationCounters.Add(ref _counters.OtaFailed);
    }

    private Task ReportOtaAsync(OtaMessage ota, string status, int? progress, string? error, string? fwVersion, CancellationToken ct)
    {
        var body = new JsonObject { ["status"] = status };
        if (ota.JobId is not null) body["job_id"] = ota.JobId;
        if (progress is not null) body["progress"] = progress;
        if (error is not null) body["error"] = error.Length > 500 ? error[..500] : error;
        if (fwVersion is not null) body["fw_version"] = fwVersion;
        return WithTimeout(t => Link.ReportOtaAsync(body, t), ct);
    }
}
