using EdgeConductor.Sdk;
using EdgeConductor.Sdk.Devices;
using EdgeConductor.Sdk.Orgs;
using EdgeConductor.Web.Devices;
using EdgeConductor.Web.Session;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web.Virtualization;

namespace EdgeConductor.Web.Components.Pages.Devices;

/// <summary>The device list page: filters → <c>GET /devices</c> pages for the rows in view.</summary>
public partial class DeviceList
{
    private const int RowHeight = 41;
    private static readonly HashSet<string> Managers = [ConsoleRoles.SuperAdmin, ConsoleRoles.Partner, ConsoleRoles.OrgAdmin];

    private readonly Filter _filter = new();
    private readonly HashSet<string> _selected = new(StringComparer.Ordinal);
    private Virtualize<Device>? _virtualize;
    private IReadOnlyList<EdgeConductor.Sdk.Orgs.Org> _orgs = [];
    private IReadOnlyList<Room> _rooms = [];
    private ConsoleUser? _user;
    private EdgeConductorClient? _client;
    private bool _canManage;
    private bool _registerOpen;
    private bool _assignOpen;
    private long? _total;
    private string? _error;

    [Inject] private ConsoleApi Api { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;

    private DateTimeOffset Now => Time.GetUtcNow();

    private string CountText => _total switch
    {
        null => "Loading devices…",
        1 => "1 device",
        var n => $"{n:N0} devices",
    };

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        _user = await Api.UserAsync();
        _client = await Api.ClientAsync();
        _canManage = Managers.Contains(_user.Role);
        try
        {
            if (_user.OrgId is { } orgId) _rooms = await _client.Orgs.RoomsAsync(orgId);
            else if (_canManage) _orgs = await _client.Orgs.ListAsync();
        }
        catch (EdgeConductorApiException e) when (e.Status is 403 or 404)
        {
            // a role that may not list rooms or orgs: the filters it cannot use stay empty
        }
    }

    private async ValueTask<ItemsProviderResult<Device>> LoadAsync(ItemsProviderRequest request)
    {
        var client = _client ?? await Api.ClientAsync();
        try
        {
            var page = await client.Devices.ListPageAsync(_filter.ToOptions(request.StartIndex, Math.Clamp(request.Count, 1, 1000)),
                request.CancellationToken);
            if (_total != page.Total || _error is not null)
            {
                _total = page.Total;
                _error = null;
                _ = InvokeAsync(StateHasChanged);
            }
            return new ItemsProviderResult<Device>(page.Items, (int)Math.Min(page.Total, int.MaxValue));
        }
        catch (EdgeConductorApiException e)
        {
            _error = e.Detail ?? e.Message;
            _ = InvokeAsync(StateHasChanged);
            return new ItemsProviderResult<Device>([], 0);
        }
    }

    private bool IsOnline(Device d) => Presence.IsOnline(d.LastSeen, Now);

    private string RoomName(string? roomId) =>
        roomId is null ? "" : _rooms.FirstOrDefault(r => r.Id == roomId)?.Name ?? roomId;

    private void Toggle(string serial, bool selected)
    {
        if (selected) _selected.Add(serial);
        else _selected.Remove(serial);
    }

    private Task OnSearchAsync(string? value) => RefreshAsync(() => _filter.Search = value ?? "");
    private Task OnStatusAsync(string? value) => RefreshAsync(() => _filter.Status = value ?? "");
    private Task OnProductTypeAsync(string? value) => RefreshAsync(() => _filter.ProductType = value ?? "");
    private Task OnRoomAsync(string? value) => RefreshAsync(() => _filter.RoomId = value ?? "");
    private Task OnTagAsync(string? value) => RefreshAsync(() => _filter.Tag = value ?? "");

    private async Task OnOrgAsync(string? value)
    {
        _filter.OrgId = value ?? "";
        _filter.RoomId = "";
        _rooms = _filter.OrgId.Length > 0 && _client is not null ? await _client.Orgs.RoomsAsync(_filter.OrgId) : [];
        await RefreshAsync(() => { });
    }

    private async Task RefreshAsync(Action change)
    {
        change();
        _total = null;
        if (_virtualize is not null) await _virtualize.RefreshDataAsync();
        StateHasChanged();
    }

    private async Task OnRegisterClosedAsync(bool registered)
    {
        _registerOpen = false;
        if (registered) await RefreshAsync(() => { });
    }

    private async Task OnAssignedAsync()
    {
        _assignOpen = false;
        _selected.Clear();
        await RefreshAsync(() => { });
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    /// <summary>The filter fields (empty string = no filter, as the selects bind strings).</summary>
    private sealed class Filter
    {
        public string Search { get; set; } = "";
        public string Status { get; set; } = "";
        public string ProductType { get; set; } = "";
        public string OrgId { get; set; } = "";
        public string RoomId { get; set; } = "";
        public string Tag { get; set; } = "";

        public DeviceListOptions ToOptions(int offset, int limit) => new()
        {
            Search = NullIfEmpty(Search.Trim()),
            Online = Status switch { "online" => true, "offline" => false, _ => null },
            ProductType = NullIfEmpty(ProductType.Trim()),
            OrgId = NullIfEmpty(OrgId),
            RoomId = NullIfEmpty(RoomId),
            Tag = NullIfEmpty(Tag.Trim()),
            Offset = offset,
            Limit = limit,
        };
    }
}
