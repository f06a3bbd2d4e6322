using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using EdgeConductor.Sdk.Http;

namespace EdgeConductor.Sdk.Devices;

/// <summary>The device registry: <c>client.Devices</c>.</summary>
public sealed class DevicesClient
{
    private const int PageSize = 1000;
    private readonly ApiTransport _api;

    internal DevicesClient(ApiTransport api) => _api = api;

    /// <summary>
    /// Registers a device. Safe to call repeatedly: registering a serial that the caller's org already owns returns the
    /// existing device (with <see cref="Device.Created"/> false and no <see cref="Device.DeviceSecret"/>), so the request is retried on 429/503.
    /// </summary>
    /// <exception cref="EdgeConductorApiException">409 when another org owns the serial; 400 on invalid fields.</exception>
    public async Task<Device> RegisterAsync(RegisterDeviceRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var response = await _api.SendRawAsync(HttpMethod.Post, "devices/register", request, retryable: true, cancellationToken).ConfigureAwait(false);
        var device = await ApiTransport.ReadAsync<Device>(response, cancellationToken).ConfigureAwait(false);
        return device with { Created = response.StatusCode == HttpStatusCode.Created };
    }

    /// <summary>Registers a device; see <see cref="RegisterAsync(RegisterDeviceRequest, CancellationToken)"/>.</summary>
    public Task<Device> RegisterAsync(string serialNo, string productType, string? fwVersion = null, CancellationToken cancellationToken = default) =>
        RegisterAsync(new RegisterDeviceRequest(serialNo, productType, fwVersion), cancellationToken);

    /// <summary>One page of the devices the caller can see (100 by default; see <see cref="DeviceListOptions.Limit"/>).</summary>
    public Task<IReadOnlyList<Device>> ListAsync(DeviceListOptions? options = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync<IReadOnlyList<Device>>(HttpMethod.Get, Query(options ?? new(), options?.Limit, options?.Offset), null, true, cancellationToken);

    /// <summary>
    /// One page of devices with the total that match the filters (for a virtualized list: ask for the rows in view and
    /// size the scroll bar from <see cref="DevicePage.Total"/>).
    /// </summary>
    public async Task<DevicePage> ListPageAsync(DeviceListOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new();
        using var response = await _api.SendRawAsync(HttpMethod.Get, Query(options, options.Limit, options.Offset), null, true, cancellationToken)
            .ConfigureAwait(false);
        var items = await ApiTransport.ReadAsync<IReadOnlyList<Device>>(response, cancellationToken).ConfigureAwait(false);
        var total = response.Headers.TryGetValues("X-Total-Count", out var values) && long.TryParse(values.FirstOrDefault(), out var t)
            ? t
            : items.Count;
        return new DevicePage(items, total);
    }

    /// <summary>Every device the caller can see, fetched page by page.</summary>
    public async IAsyncEnumerable<Device> ListAllAsync(DeviceListOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new();
        var offset = options.Offset ?? 0;
        while (true)
        {
            var page = await _api.SendAsync<IReadOnlyList<Device>>(HttpMethod.Get, Query(options, PageSize, offset), null, true, cancellationToken)
                .ConfigureAwait(false);
            foreach (var d in page) yield return d;
            if (page.Count < PageSize) yield break;
            offset += page.Count;
        }
    }

    private static string Query(DeviceListOptions o, int? limit, int? offset) => ApiTransport.WithQuery("devices",
        ("org_id", o.OrgId), ("tenant_id", o.TenantId), ("room_id", o.RoomId), ("product_type", o.ProductType),
        ("status", o.Online switch { true => "online", false => "offline", null => null }),
        ("q", string.IsNullOrEmpty(o.Search) ? null : o.Search), ("tag", o.Tag), ("limit", limit), ("offset", offset));

    /// <summary>The full device, including <see cref="Device.ShadowReported"/> and <see cref="Device.ShadowDesired"/>.</summary>
    /// <exception cref="EdgeConductorApiException">404 when the device does not exist or the caller cannot see it.</exception>
    public Task<Device> GetAsync(string serial, CancellationToken cancellationToken = default) =>
        _api.SendAsync<Device>(HttpMethod.Get, "devices/" + ApiTransport.Segment(serial), null, true, cancellationToken);

    /// <summary>Shorthand for <see cref="GetAsync"/>: only the reported shadow, i.e. the latest sensor values.</summary>
    public async Task<JsonElement> GetShadowAsync(string serial, CancellationToken cancellationToken = default) =>
        (await GetAsync(serial, cancellationToken).ConfigureAwait(false)).ShadowReported;

    /// <summary>The whole shadow: desired, reported, delta, version and metadata.</summary>
    public Task<DeviceShadow> GetFullShadowAsync(string serial, CancellationToken cancellationToken = default) =>
        _api.SendAsync<DeviceShadow>(HttpMethod.Get, $"devices/{ApiTransport.Segment(serial)}/shadow", null, true, cancellationToken);

    /// <summary>
    /// Merges <paramref name="config"/> (any object that serializes to a JSON object) into the desired shadow; the server
    /// delivers it to the device over MQTT. A null value deletes that key. Returns the updated shadow.
    /// </summary>
    public Task<DeviceShadow> PushConfigAsync(string serial, object config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        return _api.SendAsync<DeviceShadow>(HttpMethod.Patch, $"devices/{ApiTransport.Segment(serial)}/shadow/desired", config, false, cancellationToken);
    }

    /// <summary>
    /// Merges <paramref name="patch"/> into the desired shadow with optimistic locking: when <paramref name="expectedVersion"/>
    /// is given and the shadow has moved on since it was read, the server refuses with 409 (the AWS shadow convention) and
    /// nothing changes. A null member deletes that key. Returns the updated shadow.
    /// </summary>
    /// <exception cref="EdgeConductorApiException">409 on a stale version; 400 on an invalid patch; 404 for an unknown device.</exception>
    public Task<DeviceShadow> PatchDesiredAsync(string serial, System.Text.Json.Nodes.JsonObject patch, long? expectedVersion = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patch);
        var body = (System.Text.Json.Nodes.JsonObject)patch.DeepClone();
        if (expectedVersion is { } v) body["version"] = v;
        return _api.SendAsync<DeviceShadow>(HttpMethod.Patch, $"devices/{ApiTransport.Segment(serial)}/shadow/desired", body, false, cancellationToken);
    }

    /// <summary>
    /// Gives the device a new secret (its MQTT password and HTTP device credential). The old one stops working at once.
    /// The new secret is in this answer only: store it now.
    /// </summary>
    /// <exception cref="EdgeConductorApiException">403 for a role that may not manage devices; 404 for an unknown device.</exception>
    public Task<RotatedSecret> RotateSecretAsync(string serial, CancellationToken cancellationToken = default) =>
        _api.SendAsync<RotatedSecret>(HttpMethod.Post, $"devices/{ApiTransport.Segment(serial)}/secret/rotate", null, false, cancellationToken);

    /// <summary>Sends a reboot command to the device over MQTT.</summary>
    public Task<CommandResult> RebootAsync(string serial, CancellationToken cancellationToken = default) =>
        _api.SendAsync<CommandResult>(HttpMethod.Post, $"devices/{ApiTransport.Segment(serial)}/reboot", null, false, cancellationToken);

    /// <summary>Assigns the device to an org, room and/or tenant; members left null are not changed.</summary>
    public Task<Device> AssignAsync(string serial, DeviceAssignment assignment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        return _api.SendAsync<Device>(HttpMethod.Patch, "devices/" + ApiTransport.Segment(serial), assignment, false, cancellationToken);
    }

    /// <summary>Deletes the device. Without <paramref name="force"/> the server refuses (409) a device seen in the last 5 minutes.</summary>
    public Task<DeleteResult> DeleteAsync(string serial, bool force = false, CancellationToken cancellationToken = default) =>
        _api.SendAsync<DeleteResult>(HttpMethod.Delete,
            ApiTransport.WithQuery("devices/" + ApiTransport.Segment(serial), ("force", force ? true : null)), null, true, cancellationToken);

}
