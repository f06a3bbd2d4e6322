using BenchmarkDotNet.Attributes;
using EdgeConductor.Mqtt.Topics;

namespace EdgeConductor.Mqtt.Benchmarks;

/// <summary>
/// Topic matching over 100,000 subscriptions: 90,000 exact device topics plus 10,000 wildcard filters
/// (per-site '+' filters, per-device '#', a few global ones).
/// </summary>
[MemoryDiagnoser]
public class TopicMatchBenchmarks
{
    private readonly SubscriptionIndex<string, string> _index = new();
    private readonly List<string> _results = new(64);
    private readonly List<string> _shared = new(8);
    private string[] _topics = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var count = 0;
        for (var d = 0; d < 90_000; d++)
        {
            var topic = $"fleet/site-{d % 100}/device-{d}/telemetry";
            _index.Add(topic, "c" + count++, topic);
        }

        for (var s = 0; s < 100; s++)
        {
            _index.Add($"fleet/site-{s}/+/telemetry", "c" + count++, "site");
            _index.Add($"fleet/site-{s}/+/status", "c" + count++, "site-status");
        }

        for (var d = 0; count < 100_000; d++)
        {
            _index.Add($"fleet/site-{d % 100}/device-{d}/#", "c" + count++, "device-all");
        }

        _index.Add("fleet/#", "audit", "audit");
        _index.Add("$share/ingest/fleet/+/+/telemetry", "w1", "ingest");
        _index.Add("$share/ingest/fleet/+/+/telemetry", "w2", "ingest");
        _topics = Enumerable.Range(0, 1024).Select(i => $"fleet/site-{i % 100}/device-{(i * 7919) % 90_000}/telemetry").ToArray();
    }

    [Benchmark(Description = "Match telemetry topic (100k subscriptions)")]
    public int MatchTelemetry()
    {
        var topic = _topics[_next++ & 1023];
        _results.Clear();
        _shared.Clear();
        _index.Match(topic, _results, _shared);
        return _results.Count + _shared.Count;
    }

    [Benchmark(Description = "Match unsubscribed topic (100k subscriptions)")]
    public int MatchMiss()
    {
        _results.Clear();
        _index.Match("other/topic/nobody/listens", _results);
        return _results.Count;
    }
}
