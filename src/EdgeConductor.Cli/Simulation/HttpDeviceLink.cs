using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeConductor.Cli.Simulation;

/// <summary>
/// A GSM device on HTTPS (docs/telemetry.md "Polling devices"): <c>POST /devices/:serial/telemetry</c>,
/// <c>GET /devices/:serial/commands</c> (with <c>If-None-Match</c>), <c>POST /devices/:serial/commands/:id/ack</c> and
/// <c>POST /devices/:serial/ota/status</c>, each with <c>X-Device-Secret</c>. A 2xx answer is an acknowledgement.
/// </summary>
internal sealed class HttpDeviceLink(HttpClient http, Uri apiUrl, string serial, string secret) : DeviceLink
{
    private readonly string _base = apiUrl.ToString().TrimEnd('/') + "/devices/" + Uri.EscapeDataString(serial) + "/";
    private readonly HashSet<string> _seenCommands = [];
    private bool _online;
    private string? _etag;
    private long? _desiredVersion;
    private string? _otaJob;

    public override bool Connected => _online;

    public override bool ConfirmsThroughTelemetry => true;

    public override Task ConnectAsync(CancellationToken ct)
    {
        _online = true;
        _etag = null; // a rebooted modem has no cache
        return Task.CompletedTask;
    }

    public override Task DisconnectAsync(bool graceful)
    {
        _online = false;
        return Task.CompletedTask;
    }

    internal static JsonObject AckBody(string id, string status, string? result)
    {
        var body = new JsonObject { ["id"] = id, ["status"] = status };
        if (result is not null) body["result"] = result;
        return body;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken ct)
    {
        if (!_online) throw new SimulatedLinkException("offline");
        using var request = new HttpRequestMessage(method, _base + path);
        request.Headers.Add("X-Device-Secret", secret);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        if (method == HttpMethod.Get && _etag is not null) request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(_etag));
        try
        {
            return await http.SendAsync(request, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new SimulatedLinkException($"{serial}: {method} {path} failed: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new SimulatedLinkException($"{serial}: {method} {path} timed out", ex);
        }
    }

    public override async Task<bool> SendTelemetryAsync(JsonNode payload, CancellationToken ct)
    {
        using var r = await SendAsync(HttpMethod.Post, "telemetry", payload, ct);
        // Busy or failing server: the readings stay with the device and are sent again (ts makes the retry idempotent).
        if (r.StatusCode == HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500)
            throw new SimulatedLinkException($"{serial}: telemetry answered {(int)r.StatusCode}");
        return r.IsSuccessStatusCode;
    }

    public override async Task ReportStateAsync(JsonObject state, CancellationToken ct)
    {
        // HTTPS devices confirm through telemetry (seed 001: "Device confirms back via telemetry").
        using var r = await SendAsync(HttpMethod.Post, "telemetry", state, ct);
    }

    public override async Task AckCommandAsync(string id, string status, string? result, CancellationToken ct)
    {
        using var r = await SendAsync(HttpMethod.Post, "commands/" + Uri.EscapeDataString(id) + "/ack", AckBody(id, status, result), ct);
    }

    public override async Task ReportOtaAsync(JsonObject status, CancellationToken ct)
    {
        using var r = await SendAsync(HttpMethod.Post, "ota/status", status, ct);
    }

    public override async Task PollAsync(CancellationToken ct)
    {
        using var r = await SendAsync(HttpMethod.Get, "commands", null, ct);
        if (r.StatusCode == HttpStatusCode.NotModified || !r.IsSuccessStatusCode) return;
        _etag = r.Headers.ETag?.ToString();
        JsonObject? poll;
        try
        {
            poll = JsonNode.Parse(await r.Content.ReadAsStringAsync(ct)) as JsonObject;
        }
        catch (JsonException)
        {
            return;
        }
        if (poll is null) return;
        try
        {
            Read(poll);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            // a member of an unexpected type: ignored, as the firmware would
        }
    }

    private void Read(JsonObject poll)
    {
        var version = poll["version"]?.GetValue<long>();
        if (poll["desired"] is JsonObject desired && version != _desiredVersion)
        {
            _desiredVersion = version;
            if (desired.Count > 0) Receive(new DesiredMessage((JsonObject)desired.DeepClone(), version));
        }
        if (poll["commands"] is JsonArray commands)
        {
            foreach (var c in commands.OfType<JsonObject>())
            {
                if (c["id"]?.GetValue<string>() is { } id && c["cmd"]?.GetValue<string>() is { } cmd && _seenCommands.Add(id))
                    Receive(new CommandMessage(id, cmd, (JsonObject)c.DeepClone()));
            }
        }
        if (poll["fw_url"]?.GetValue<string>() is { } url && poll["fw_version"]?.GetValue<string>() is { } fwVersion)
        {
            var job = poll["fw_job_id"]?.GetValue<string>() ?? fwVersion;
            if (job != _otaJob)
            {
                _otaJob = job;
                Receive(new OtaMessage(url, fwVersion, poll["fw_sha256"]?.GetValue<string>(), poll["fw_size"]?.GetValue<long>(), poll["fw_job_id"]?.GetValue<string>()));
            }
        }
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
