using System.Text.Json;

namespace EdgeConductor.Server.Ota;

/// <summary>
/// What a device reports on <c>devices/{serial}/ota/status</c> or <c>POST /devices/:serial/ota/status</c> (issue 13):
/// <code>{"job_id":"…","status":"downloading|downloaded|installing|rebooting|succeeded|failed","progress":0-100,"error":"…","fw_version":"2.1.4"}</code>
/// job_id is optional (default: the device's current update); fw_version (optional) is the version now running.
/// </summary>
public sealed record OtaStatusReport(string? JobId, string Status, int? Progress, string? Error, string? FwVersion)
{
    /// <summary>The largest report body accepted over HTTPS (bytes); MQTT has the broker's packet limit.</summary>
    public const int MaxBytes = 4096;

    /// <summary>
    /// The report, or the field that is wrong (<c>body</c> for the document itself) and why. Duplicate keys are refused
    /// like everywhere else in the API.
    /// </summary>
    public static (OtaStatusReport? Report, string? Field, string? Error) Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { AllowDuplicateProperties = false });
            return From(doc.RootElement);
        }
        catch (JsonException)
        {
            return (null, "body", "the body is not valid JSON (or repeats a key)");
        }
    }

    /// <summary>The report from a parsed document; see <see cref="Parse"/>.</summary>
    public static (OtaStatusReport? Report, string? Field, string? Error) From(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object) return (null, "body", "the body must be a JSON object");
        string? Text(string name, int max, out string? error)
        {
            error = null;
            if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            if (v.ValueKind != JsonValueKind.String || v.GetString()!.Length > max) { error = $"{name} must be a string of at most {max} characters"; return null; }
            return v.GetString();
        }
        var jobId = Text("job_id", 64, out var err);
        if (err is not null) return (null, "job_id", err);
        var status = Text("status", 32, out err);
        if (err is not null) return (null, "status", err);
        if (status is null || !OtaStates.Reportable.Contains(status)) return (null, "status", $"status must be one of: {string.Join(", ", OtaStates.Reportable)}");
        int? progress = null;
        if (e.TryGetProperty("progress", out var p) && p.ValueKind != JsonValueKind.Null)
        {
            if (p.ValueKind != JsonValueKind.Number || !p.TryGetDouble(out var d) || d < 0 || d > 100) return (null, "progress", "progress must be a number from 0 to 100");
            progress = (int)Math.Round(d);
        }
        var error = Text("error", 500, out err);
        if (err is not null) return (null, "error", err);
        var fw = Text("fw_version", 64, out err);
        if (err is not null) return (null, "fw_version", err);
        return (new OtaStatusReport(jobId, status, progress, error, fw), null, null);
    }
}
