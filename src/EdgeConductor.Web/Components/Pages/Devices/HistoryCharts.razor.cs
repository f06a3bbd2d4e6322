using EdgeConductor.Sdk;
using EdgeConductor.Sdk.Telemetry;
using EdgeConductor.Web.Session;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace EdgeConductor.Web.Components.Pages.Devices;

/// <summary>
/// The history charts of a device page: one uPlot chart per selected metric (wwwroot/js/charts.js), data from
/// <c>GET /devices/{serial}/telemetry/aggregate</c> via <see cref="TelemetryClient.AggregateRangeAsync"/> (≤ 2,000 points).
/// </summary>
public partial class HistoryCharts : IAsyncDisposable
{
    /// <summary>The ranges of seed 001 ("Time range selector: 1h · 6h · 24h · 7d").</summary>
    public static readonly IReadOnlyDictionary<string, TimeSpan> Ranges = new Dictionary<string, TimeSpan>
    {
        ["1h"] = TimeSpan.FromHours(1), ["6h"] = TimeSpan.FromHours(6), ["24h"] = TimeSpan.FromHours(24), ["7d"] = TimeSpan.FromDays(7),
    };

    /// <summary>The most points a series may have (issue 15: ≤ ~2,000 per series).</summary>
    public const int MaxPoints = 2000;

    private readonly Dictionary<string, ElementReference> _elements = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _charts = new(StringComparer.Ordinal);
    private readonly HashSet<string> _selected = new(StringComparer.Ordinal);
    private readonly HashSet<string> _stale = new(StringComparer.Ordinal);
    private IJSObjectReference? _module;
    private CancellationTokenSource _loadCts = new();
    private string _range = "24h";
    private string? _loadedRange;
    private string _interval = "";
    private string? _error;
    private bool _initialized;

    [Inject] private ConsoleApi Api { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;

    /// <summary>The device.</summary>
    [Parameter, EditorRequired] public string Serial { get; set; } = "";

    /// <summary>The metrics that can be charted (numeric fields of the device's readings).</summary>
    [Parameter] public IReadOnlyList<string> Metrics { get; set; } = [];

    /// <inheritdoc />
    protected override void OnParametersSet()
    {
        if (_initialized || Metrics.Count == 0) return;
        _initialized = true;
        foreach (var m in Metrics.Where(m => EdgeConductor.Web.Devices.Readings.PrimaryMetrics.Contains(m)).DefaultIfEmpty(Metrics[0]))
            Select(m);
    }

    /// <inheritdoc />
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_stale.Count == 0) return;
        var metrics = _stale.Where(_selected.Contains).ToList();
        _stale.Clear();
        await LoadAsync(metrics);
    }

    private void Select(string metric)
    {
        _selected.Add(metric);
        _stale.Add(metric);
    }

    private async Task SetRangeAsync(string range)
    {
        if (range == _range) return;
        _range = range;
        foreach (var m in _selected) _stale.Add(m);
        await _loadCts.CancelAsync();
        _loadCts.Dispose();
        _loadCts = new CancellationTokenSource();
        StateHasChanged();
    }

    private async Task ToggleAsync(string metric, bool on)
    {
        if (on) Select(metric);
        else
        {
            _selected.Remove(metric);
            if (_charts.Remove(metric, out var id) && _module is not null) await DestroyAsync(id);
        }
        StateHasChanged();
    }

    private async Task LoadAsync(IReadOnlyList<string> metrics)
    {
        var ct = _loadCts.Token;
        var range = _range;
        var span = Ranges[range];
        _interval = AggregateInterval.For(span, MaxPoints);
        try
        {
            _module ??= await JS.InvokeAsync<IJSObjectReference>("import", "./_content/EdgeConductor.Web/js/charts.js");
            var client = await Api.ClientAsync();
            var series = await Task.WhenAll(metrics.Select(m => client.Telemetry.AggregateRangeAsync(Serial, m, span, MaxPoints, ct)));
            for (var i = 0; i < metrics.Count; i++)
            {
                var m = metrics[i];
                if (!_selected.Contains(m) || !_elements.TryGetValue(m, out var element)) continue;
                var data = Columns(series[i]);
                if (_charts.TryGetValue(m, out var id)) await _module.InvokeAsync<bool>("update", ct, id, data);
                else
                {
                    var options = new { title = $"{EdgeConductor.Web.Devices.Readings.Label(m)} · {range}", height = 200,
                        series = new[] { new { label = EdgeConductor.Web.Devices.Readings.Label(m), unit = EdgeConductor.Web.Devices.Readings.Unit(m) } } };
                    _charts[m] = await _module.InvokeAsync<int>("create", ct, element, options, data);
                }
            }
            _loadedRange = range;
            _error = null;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return; // a newer range superseded this load
        }
        catch (EdgeConductorApiException e)
        {
            _error = e.Detail ?? e.Message;
        }
        catch (JSDisconnectedException)
        {
            return;
        }
        StateHasChanged();
    }

    /// <summary>uPlot's column layout: [[unix seconds…], [avg…]].</summary>
    internal static object[] Columns(IReadOnlyList<TelemetryBucket> buckets) =>
    [
        buckets.Select(b => b.Ts.ToUnixTimeMilliseconds() / 1000.0).ToArray(),
        buckets.Select(b => b.Avg).ToArray(),
    ];

    private async Task DestroyAsync(int id)
    {
        try
        {
            if (_module is not null) await _module.InvokeVoidAsync("destroy", id);
        }
        catch (JSDisconnectedException)
        {
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _loadCts.CancelAsync();
        _loadCts.Dispose();
        foreach (var id in _charts.Values) await DestroyAsync(id);
        if (_module is not null)
        {
            try
            {
                await _module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
            }
        }
        GC.SuppressFinalize(this);
    }
}
