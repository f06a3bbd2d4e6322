using System.Text.Json;
using EdgeConductor.Sdk;
using EdgeConductor.Sdk.Devices;
using EdgeConductor.Web.Devices;
using EdgeConductor.Web.Session;
using Microsoft.AspNetCore.Components;

namespace EdgeConductor.Web.Components.Pages.Devices;

/// <summary>
/// The device page: loads the device, its latest reading and shadow, then follows its live stream
/// (<see cref="LiveDeviceFeed"/>) and re-renders through a <see cref="RenderThrottle"/> (at most 4 times a second).
/// </summary>
public partial class DeviceDetail : IAsyncDisposable
{
    private static readonly HashSet<string> Managers = [ConsoleRoles.SuperAdmin, ConsoleRoles.Partner, ConsoleRoles.OrgAdmin];

    private readonly LiveDeviceFeed _feed = new();
    private RenderThrottle? _throttle;
    private Device? _device;
    private DeviceShadow? _shadow;
    private IReadOnlyList<string> _metrics = [];
    private bool _notFound, _canManage, _canEditShadow, _confirmRotate;
    private string? _secret, _message;
    private int _auditRevision;

    [Inject] private ConsoleApi Api { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;

    /// <summary>The device's serial number (route).</summary>
    [Parameter] public string Serial { get; set; } = "";

    private DateTimeOffset Now => Time.GetUtcNow();

    private DateTimeOffset? LastSeen => _feed.ReadingTs is { } r && (_device?.LastSeen is not { } seen || r > seen) ? r : _device?.LastSeen;

    private bool Online => Presence.IsOnline(LastSeen, Now);

    // Live shadow events win over what the page loaded (they are newer); a patch answer is newer than both until the next event.
    private JsonElement? Desired => Newest(s => s.Desired, () => _feed.Desired);
    private JsonElement? Reported => Newest(s => s.Reported, () => _feed.Reported);
    private JsonElement? Delta => Newest(s => s.Delta, () => _feed.Delta);
    private long ShadowVersion => Math.Max(_shadow?.Version ?? 0, _feed.ShadowVersion ?? 0);

    private JsonElement? Newest(Func<DeviceShadow, JsonElement> loaded, Func<JsonElement?> live) =>
        live() is { } l && (_feed.ShadowVersion ?? 0) >= (_shadow?.Version ?? 0) ? l : _shadow is { } s ? loaded(s) : null;

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        var user = await Api.UserAsync();
        _canManage = Managers.Contains(user.Role);
        _canEditShadow = _canManage || user.Role == ConsoleRoles.Customer;
        var client = await Api.ClientAsync();
        try
        {
            var device = client.Devices.GetAsync(Serial);
            var shadow = client.Devices.GetFullShadowAsync(Serial);
            var recent = client.Telemetry.RecentAsync(Serial, 1);
            _device = await device;
            _shadow = await shadow;
            var latest = await recent;
            if (latest.Count > 0) _feed.Seed(latest[0].Data, latest[0].Ts);
            UpdateMetrics();
        }
        catch (EdgeConductorApiException e) when (e.Status == 404)
        {
            _notFound = true;
            return;
        }
        _throttle = new RenderThrottle(() => InvokeAsync(() =>
        {
            UpdateMetrics();
            StateHasChanged();
        }), Time);
        _feed.Changed += _throttle.Changed;
        _feed.Start(client, Serial);
    }

    private void UpdateMetrics()
    {
        var metrics = Readings.ChartMetrics(_feed.Reading);
        var merged = _metrics.Concat(metrics.Where(m => !_metrics.Contains(m))).ToList();
        if (merged.Count != _metrics.Count) _metrics = merged;
    }

    private void OnPatched(DeviceShadow shadow)
    {
        _shadow = shadow;
        _auditRevision++;
    }

    private async Task RotateAsync()
    {
        _message = null;
        try
        {
            _secret = (await (await Api.ClientAsync()).Devices.RotateSecretAsync(Serial)).DeviceSecret;
            _auditRevision++;
        }
        catch (EdgeConductorApiException e)
        {
            _message = e.Detail ?? e.Message;
        }
        _confirmRotate = false;
    }

    private void DismissSecret() => _secret = null;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_throttle is not null)
        {
            _feed.Changed -= _throttle.Changed;
            _throttle.Dispose();
        }
        await _feed.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
