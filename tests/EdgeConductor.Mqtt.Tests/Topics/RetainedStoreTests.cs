using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Topics;

namespace EdgeConductor.Mqtt.Tests.Topics;

public sealed class RetainedStoreTests
{
    private static MqttApplicationMessage Message(string topic, string payload = "v") =>
        new(topic, System.Text.Encoding.UTF8.GetBytes(payload), MqttQualityOfService.AtMostOnce, retain: true);

    private static string[] Collect(RetainedMessageStore store, string filter)
    {
        var results = new List<MqttApplicationMessage>();
        store.Collect(filter, 0, results);
        return [.. results.Select(m => m.Topic).Order()];
    }

    [Fact]
    public void Collect_WildcardsAndDollarRule()
    {
        var store = new RetainedMessageStore();
        foreach (var t in new[] { "a", "a/b", "a/b/c", "a/c", "$SYS/x", "b" })
        {
            Assert.True(store.Set(Message(t), int.MaxValue));
        }

        Assert.Equal(["a", "a/b", "a/b/c", "a/c", "b"], Collect(store, "#"));
        Assert.Equal(["a", "a/b", "a/b/c", "a/c"], Collect(store, "a/#"));
        Assert.Equal(["a/b", "a/c"], Collect(store, "a/+"));
        Assert.Equal(["a", "b"], Collect(store, "+"));
        Assert.Equal(["$SYS/x"], Collect(store, "$SYS/#"));
        Assert.Equal(["a/b/c"], Collect(store, "+/+/c"));
    }

    [Fact]
    public void Set_EmptyPayloadDeletesAndPrunes()
    {
        var store = new RetainedMessageStore();
        store.Set(Message("x/y/z"), int.MaxValue);
        store.Set(Message("x/y/z", ""), int.MaxValue);
        Assert.Equal(0, store.Count);
        Assert.Empty(Collect(store, "#"));
        store.Set(Message("x/y"), int.MaxValue);
        store.Set(Message("x/y", "v2"), int.MaxValue);
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public void Collect_RandomTopicsAndFilters_AgreesWithReferenceMatcher()
    {
        var random = new Random(7);
        string[] levels = ["a", "b", "c", "", "$x"];
        var store = new RetainedMessageStore();
        var topics = new HashSet<string>();
        for (var i = 0; i < 300; i++)
        {
            var topic = string.Join('/', Enumerable.Range(0, random.Next(1, 5)).Select(_ => levels[random.Next(levels.Length)]));
            if (MqttTopic.IsValidTopicName(topic) && topics.Add(topic))
            {
                store.Set(Message(topic), int.MaxValue);
            }
        }

        string[] filterLevels = ["a", "b", "", "$x", "+", "#"];
        for (var i = 0; i < 1000; i++)
        {
            var parts = new List<string>();
            var depth = random.Next(1, 5);
            for (var d = 0; d < depth; d++)
            {
                var level = filterLevels[random.Next(filterLevels.Length)];
                parts.Add(level);
                if (level == "#")
                {
                    break;
                }
            }

            var filter = string.Join('/', parts);
            if (!MqttTopic.IsValidTopicFilter(filter))
            {
                continue;
            }

            var expected = topics.Where(t => MqttTopic.Matches(filter, t)).Order().ToArray();
            Assert.True(expected.SequenceEqual(Collect(store, filter)), $"filter '{filter}'");
        }
    }
}
