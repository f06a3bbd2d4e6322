using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace EdgeConductor.Server.Observability;

/// <summary>
/// Collects System.Diagnostics.Metrics instruments (ours, and ASP.NET's request duration) and renders them in the
/// Prometheus text exposition format for <c>GET /metrics</c>.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    private static readonly double[] SecondsBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly double[] DefaultBuckets = [1, 5, 10, 50, 100, 500, 1_000, 5_000, 10_000, 50_000, 100_000];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, Series> _series = new();
    private readonly IMeterFactory _meterFactory;

    public PrometheusExporter(IMeterFactory meterFactory)
    {
        _meterFactory = meterFactory;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!IsOurs(instrument)) return;
            _series[instrument] = new Series(instrument);
            listener.EnableMeasurementEvents(instrument);
        };
        _listener.MeasurementsCompleted = (instrument, _) => _series.TryRemove(instrument, out Series? _);
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    /// <summary>
    /// A MeterListener hears every meter in the process, so keep to this host's: meters made by this host's
    /// <see cref="IMeterFactory"/> (ASP.NET Core's request duration, ours), or unscoped EdgeConductor meters. Without this,
    /// two hosts in one process (tests, or an embedded server) would each export the other's series.
    /// </summary>
    private bool IsOurs(Instrument instrument)
    {
        var meter = instrument.Meter;
        if (meter.Scope is not null && !ReferenceEquals(meter.Scope, _meterFactory)) return false;
        return meter.Name.StartsWith("EdgeConductor", StringComparison.Ordinal) ||
               (meter.Name == "Microsoft.AspNetCore.Hosting" && instrument.Name == "http.server.request.duration");
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_series.TryGetValue(instrument, out var s)) s.Record(value, s.LabelsOf(tags));
    }

    public string Render()
    {
        foreach (var s in _series.Values) s.BeginObservation();
        _listener.RecordObservableInstruments();
        var sb = new StringBuilder();
        // One HELP/TYPE header per metric name, even when several instruments map to it.
        foreach (var family in _series.Values.Where(s => !s.IsEmpty).GroupBy(s => s.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            family.First().RenderHeader(sb);
            foreach (var s in family) s.RenderSamples(sb);
        }
        return sb.ToString();
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0) return "";
        var parts = new List<string>(tags.Length);
        foreach (var (k, v) in tags)
            parts.Add($"{Sanitize(k)}=\"{Escape(Convert.ToString(v, CultureInfo.InvariantCulture) ?? "")}\"");
        parts.Sort(StringComparer.Ordinal);
        return string.Join(',', parts);
    }

    private static string Sanitize(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_').ToArray();
        return char.IsAsciiDigit(chars[0]) ? "_" + new string(chars) : new string(chars);
    }

    private static string Escape(string v) => v.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

    private static string Num(double v) => double.IsPositiveInfinity(v) ? "+Inf" : v.ToString("R", CultureInfo.InvariantCulture);

    public void Dispose() => _listener.Dispose();

    private sealed class Series
    {
        private readonly Instrument _instrument;
        private readonly string _type;
        private readonly double[]? _buckets;
        private readonly bool _observable;
        private readonly ConcurrentDictionary<string, Cell> _values = new();
        // Label text per tag set, so the hot path (a counter bumped per MQTT message) builds no strings.
        private readonly ConcurrentDictionary<TagKey, string> _labelText = new();
        private readonly ConcurrentDictionary<string, Histo> _histograms = new();

        public Series(Instrument instrument)
        {
            _instrument = instrument;
            var genericName = instrument.GetType().Name;
            _observable = instrument.IsObservable;
            _type = genericName switch
            {
                _ when genericName.StartsWith("Histogram", StringComparison.Ordinal) => "histogram",
                _ when genericName.StartsWith("Counter", StringComparison.Ordinal) || genericName.StartsWith("ObservableCounter", StringComparison.Ordinal) => "counter",
                _ => "gauge",
            };
            var baseName = Sanitize(instrument.Name.Replace('.', '_'));
            if (instrument.Unit == "s" && !baseName.EndsWith("_seconds", StringComparison.Ordinal)) baseName += "_seconds";
            if (instrument.Unit == "By" && !baseName.EndsWith("_bytes", StringComparison.Ordinal)) baseName += "_bytes";
            if (_type == "counter" && !baseName.EndsWith("_total", StringComparison.Ordinal)) baseName += "_total";
            Name = baseName;
            if (_type == "histogram") _buckets = instrument.Unit == "s" ? SecondsBuckets : DefaultBuckets;
        }

        public string Name { get; }

        public void BeginObservation()
        {
            if (_observable) _values.Clear();
        }

        public string LabelsOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length == 0) return "";
            if (tags.Length > TagKey.Capacity || _labelText.Count > MaxCachedLabelSets) return Labels(tags);
            var key = new TagKey(tags);
            return _labelText.TryGetValue(key, out var text) ? text : _labelText.GetOrAdd(key, Labels(tags));
        }

        /// <summary>Bounds the label cache should an instrument be tagged with unbounded values; beyond it labels are built per call.</summary>
        private const int MaxCachedLabelSets = 10_000;

        public void Record(double value, string labels)
        {
            if (_buckets is not null) _histograms.GetOrAdd(labels, static (_, n) => new Histo(n), _buckets.Length).Add(_buckets, value);
            else
            {
                var cell = _values.TryGetValue(labels, out var c) ? c : _values.GetOrAdd(labels, static _ => new Cell());
                if (_observable) cell.Set(value);
                else cell.Add(value);
            }
        }

        public bool IsEmpty => _values.IsEmpty && _histograms.IsEmpty;

        public void RenderHeader(StringBuilder sb)
        {
            if (_instrument.Description is { Length: > 0 } d) sb.Append("# HELP ").Append(Name).Append(' ').Append(d.Replace("\n", " ")).Append('\n');
            sb.Append("# TYPE ").Append(Name).Append(' ').Append(_type).Append('\n');
        }

        public void RenderSamples(StringBuilder sb)
        {
            foreach (var (labels, v) in _values.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                sb.Append(Name).Append(labels.Length > 0 ? "{" + labels + "}" : "").Append(' ').Append(Num(v.Value)).Append('\n');
            foreach (var (labels, h) in _histograms.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                h.Render(sb, Name, labels, _buckets!);
        }
    }

    /// <summary>A counter's running total or a gauge's last value; lock-free.</summary>
    private sealed class Cell
    {
        private double _value;

        public double Value => Volatile.Read(ref _value);

        public void Set(double value) => Volatile.Write(ref _value, value);

        public void Add(double value)
        {
            var current = Volatile.Read(ref _value);
            while (true)
            {
                var seen = Interlocked.CompareExchange(ref _value, current + value, current);
                if (seen.Equals(current)) return;
                current = seen;
            }
        }
    }

    /// <summary>Up to three tags (name and value) as a dictionary key; values compare with <see cref="object.Equals(object?, object?)"/>.</summary>
    private readonly record struct TagKey(string? K1, object? V1, string? K2, object? V2, string? K3, object? V3)
    {
        public const int Capacity = 3;

        public TagKey(ReadOnlySpan<KeyValuePair<string, object?>> tags) : this(
            tags[0].Key, tags[0].Value,
            tags.Length > 1 ? tags[1].Key : null, tags.Length > 1 ? tags[1].Value : null,
            tags.Length > 2 ? tags[2].Key : null, tags.Length > 2 ? tags[2].Value : null)
        {
        }
    }

    private sealed class Histo(int buckets)
    {
        private readonly long[] _counts = new long[buckets];
        private long _count;
        private double _sum;

        public void Add(double[] bounds, double value)
        {
            lock (this)
            {
                for (var i = 0; i < bounds.Length; i++) if (value <= bounds[i]) _counts[i]++;
                _count++;
                _sum += value;
            }
        }

        public void Render(StringBuilder sb, string name, string labels, double[] bounds)
        {
            lock (this)
            {
                var sep = labels.Length > 0 ? labels + "," : "";
                for (var i = 0; i < bounds.Length; i++)
                    sb.Append(name).Append("_bucket{").Append(sep).Append("le=\"").Append(Num(bounds[i])).Append("\"} ").Append(_counts[i]).Append('\n');
                sb.Append(name).Append("_bucket{").Append(sep).Append("le=\"+Inf\"} ").Append(_count).Append('\n');
                var l = labels.Length > 0 ? "{" + labels + "}" : "";
                sb.Append(name).Append("_sum").Append(l).Append(' ').Append(Num(_sum)).Append('\n');
                sb.Append(name).Append("_count").Append(l).Append(' ').Append(_count).Append('\n');
            }
        }
    }
}
