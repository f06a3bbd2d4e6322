using System.Net.Http.Headers;
using EdgeConductor.Sdk.Http;

namespace EdgeConductor.Sdk.Firmware;

/// <summary>Firmware releases and pushes: <c>client.Firmware</c> (seed 000 <c>ec.firmware</c>).</summary>
public sealed class FirmwareClient
{
    private readonly ApiTransport _api;

    internal FirmwareClient(ApiTransport api) => _api = api;

    /// <summary>Every release the caller can see, newest first (seed <c>firmware.list()</c>); optionally of one org or product type.</summary>
    public Task<IReadOnlyList<FirmwareRelease>> ListAsync(string? orgId = null, string? productType = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync<IReadOnlyList<FirmwareRelease>>(HttpMethod.Get, ApiTransport.WithQuery("firmware", ("org_id", orgId), ("product_type", productType), ("limit", 1000)),
            null, true, cancellationToken);

    /// <summary>One release.</summary>
    /// <exception cref="EdgeConductorApiException">404 when it does not exist or the caller cannot see it.</exception>
    public Task<FirmwareRelease> GetAsync(string firmwareId, CancellationToken cancellationToken = default) =>
        _api.SendAsync<FirmwareRelease>(HttpMethod.Get, "firmware/" + ApiTransport.Segment(firmwareId), null, true, cancellationToken);

    /// <summary>
    /// Uploads a firmware file to <paramref name="orgId"/> (multipart, streamed). <paramref name="progress"/> is told the
    /// bytes sent so far. Not retried automatically (uploads are not idempotent: the same version twice is a 409).
    /// </summary>
    /// <exception cref="EdgeConductorApiException">400 (a field, or a signature that does not verify), 409 (version exists), 413 (too large).</exception>
    public async Task<FirmwareRelease> UploadAsync(string orgId, Stream file, FirmwareUploadRequest request, IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(request);
        using var form = new MultipartFormDataContent();
        var body = new ProgressStreamContent(file, progress);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(body, "file", "firmware.bin");
        form.Add(new StringContent(request.Version), "version");
        form.Add(new StringContent(request.ProductType), "product_type");
        if (request.Notes is not null) form.Add(new StringContent(request.Notes), "notes");
        if (request.Signature is not null) form.Add(new StringContent(request.Signature), "signature");
        using var response = await _api.SendContentAsync(HttpMethod.Post, $"orgs/{ApiTransport.Segment(orgId)}/firmware", form, cancellationToken).ConfigureAwait(false);
        return await ApiTransport.ReadAsync<FirmwareRelease>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes a release (refused with 409 while an unfinished OTA job uses it).</summary>
    public async Task DeleteAsync(string firmwareId, CancellationToken cancellationToken = default)
    {
        using var _ = await _api.SendRawAsync(HttpMethod.Delete, "firmware/" + ApiTransport.Segment(firmwareId), null, false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Pushes a release to one device (seed <c>firmware.push(serial, firmwareId)</c>): sent at once over MQTT when the
    /// device is online, else kept pending for its next connection or poll.
    /// </summary>
    /// <exception cref="EdgeConductorApiException">409 when the release is for another product type or would downgrade the device (see <paramref name="allowDowngrade"/>).</exception>
    public Task<OtaPushResult> PushAsync(string serial, string firmwareId, bool allowDowngrade = false, CancellationToken cancellationToken = default) =>
        _api.SendAsync<OtaPushResult>(HttpMethod.Post, $"devices/{ApiTransport.Segment(serial)}/ota",
            new { firmware_id = firmwareId, allow_downgrade = allowDowngrade }, false, cancellationToken);

    /// <summary>A stream body that reports how many bytes were sent.</summary>
    private sealed class ProgressStreamContent(Stream source, IProgress<long>? progress) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var buffer = new byte[64 * 1024];
            long sent = 0;
            int read;
            while ((read = await source.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, read)).ConfigureAwait(false);
                sent += read;
                progress?.Report(sent);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            if (source.CanSeek)
            {
                length = source.Length - source.Position;
                return true;
            }
            length = 0;
            return false;
        }
    }
}
