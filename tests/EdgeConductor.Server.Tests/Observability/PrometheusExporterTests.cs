using System.Diagnostics.Metrics;
using EdgeConductor.Server.Observability;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeConductor.Server.Tests.Observability;

/// <summary>Rendering of System.Diagnostics.Metrics instruments in the Prometheus text format.</summary>
public sealed class PrometheusExporterTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly IMeterFactory _factory;
    private readonly PrometheusExporter _exporter;
    private readonly Meter _meter;

    public PrometheusExporterTests()
    {
        _factory = _services.GetRequiredService<IMeterFactory>();
        _exporter = new PrometheusExporter(_factory);
        _meter = _factory.Create("EdgeConductor.UnitTest");
    }

    public void Dispose()
    {
        _exporter.Dispose();
        _services.Dispose();
    }

    private string[] Lines() => _exporter.Render().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Counter_GetsTotalSuffix_SumsPerLabelSet_LabelsSorted()
    {
        var c = _meter.CreateCounter<long>("ec.test.requests", description: "Requests.");
        c.Add(2, new("route", "/a"), new("method", "GET"));
        c.Add(3, new("method", "GET"), new("route", "/a"));
        c.Add(1, new("method", "POST"), new("route", "/a"));

        var lines = Lines();
        Assert.Contains("# HELP ec_test_requests_total Requests.", lines);
        Assert.Contains("# TYPE ec_test_requests_total counter", lines);
        Assert.Contains("ec_test_requests_total{method=\"GET\",route=\"/a\"} 5", lines);
        Assert.Contains("ec_test_requests_total{method=\"POST\",route=\"/a\"} 1", lines);
    }

    [Fact]
    public void Histogram_InSeconds_HasCumulativeBucketsSumAndCount()
    {
        var h = _meter.CreateHistogram<double>("ec.test.duration", unit: "s");
        h.Record(0.003);
        h.Record(0.2);
        h.Record(30);

        var lines = Lines();
        Assert.Contains("# TYPE ec_test_duration_seconds histogram", lines);
        Assert.Contains("ec_test_duration_seconds_bucket{le=\"0.001\"} 0", lines);
        Assert.Contains("ec_test_duration_seconds_bucket{le=\"0.005\"} 1", lines);
        Assert.Contains("ec_test_duration_seconds_bucket{le=\"0.25\"} 2", lines);
        Assert.Contains("ec_test_duration_seconds_bucket{le=\"10\"} 2", lines);
        Assert.Contains("ec_test_duration_seconds_bucket{le=\"+Inf\"} 3", lines);
        Assert.Contains("ec_test_duration_seconds_sum 30.203", lines);
        Assert.Contains("ec_test_duration_seconds_count 3", lines);
        var buckets = lines.Where(l => l.StartsWith("ec_test_duration_seconds_bucket", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(buckets.Order(), buckets); // cumulative
    }

    [Fact]
    public void ObservableGauge_ReportsTheLatestObservation()
    {
        var value = 7L;
        _meter.CreateObservableGauge("ec.test.queue", () => new Measurement<long>(value, new KeyValuePair<string, object?>("q", "ingest")));
        Assert.Contains("ec_test_queue{q=\"ingest\"} 7", Lines());
        value = 3;
        Assert.Contains("ec_test_queue{q=\"ingest\"} 3", Lines());
        Assert.DoesNotContain("ec_test_queue{q=\"ingest\"} 7", Lines());
    }

    [Fact]
    public void LabelValues_AreEscaped_NamesSanitized()
    {
        var c = _meter.CreateCounter<int>("ec.test.odd-name");
        c.Add(1, new KeyValuePair<string, object?>("path.key", "a\"b\\c\nd"));
        Assert.Contains("ec_test_odd_name_total{path_key=\"a\\\"b\\\\c\\nd\"} 1", Lines());
    }

    [Fact]
    public void OtherHostsAndForeignMeters_AreIgnored_EmptyInstrumentsNotRendered()
    {
        using var otherServices = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var otherHostMeter = otherServices.GetRequiredService<IMeterFactory>().Create("EdgeConductor.UnitTest");
        otherHostMeter.CreateCounter<long>("ec.test.elsewhere").Add(1);
        using var foreign = new Meter("SomeLibrary.Metrics");
        foreign.CreateCounter<long>("lib.calls").Add(1);
        _meter.CreateCounter<long>("ec.test.unused");

        var text = _exporter.Render();
        Assert.DoesNotContain("ec_test_elsewhere", text);
        Assert.DoesNotContain("lib_calls", text);
        Assert.DoesNotContain("ec_test_unused", text);
    }

    [Fact]
    public void DisposedMeter_SeriesDisappear()
    {
        var meter = new Meter("EdgeConductor.UnitTest.Temporary"); // factory meters live as long as their factory
        meter.CreateCounter<long>("ec.test.temp").Add(1);
        Assert.Contains("ec_test_temp_total 1", Lines());
        meter.Dispose();
        Assert.DoesNotContain("ec_test_temp_total 1", Lines());
    }
}
