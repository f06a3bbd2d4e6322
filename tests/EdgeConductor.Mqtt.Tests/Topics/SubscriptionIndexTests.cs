using EdgeConductor.Mqtt.Topics;

namespace EdgeConductor.Mqtt.Tests.Topics;

public sealed class SubscriptionIndexTests
{
    private sealed record Sub(string Client, string Filter);

    private static List<Sub> Match(SubscriptionIndex<string, Sub> index, string topic)
    {
        var results = new List<Sub>();
        var shared = new List<Sub>();
        index.Match(topic, results, shared);
        return [.. results, .. shared];
    }

    [Fact]
    public void Match_WildcardsAndExact_FindsAllMatching()
    {
        var index = new SubscriptionIndex<string, Sub>();
        foreach (var f in new[] { "a/b/c", "a/+/c", "a/#", "#", "+/b/+", "a/b", "x/#", "a/b/c/d" })
        {
            index.Add(f, f, new Sub(f, f));
        }

        var matched = Match(index, "a/b/c").Select(s => s.Filter).Order().ToArray();
        Assert.Equal(new[] { "#", "+/b/+", "a/#", "a/+/c", "a/b/c" }.Order(), matched);
        Assert.Equal(new[] { "#", "a/#" }.Order(), Match(index, "a").Select(s => s.Filter).Order());
    }

    [Fact]
    public void Match_DollarTopics_NotMatchedByLeadingWildcards()
    {
        var index = new SubscriptionIndex<string, Sub>();
        foreach (var f in new[] { "#", "+/info", "$SYS/#", "$SYS/+" })
        {
            index.Add(f, f, new Sub(f, f));
        }

        Assert.Equal(new[] { "$SYS/#", "$SYS/+" }, Match(index, "$SYS/info").Select(s => s.Filter).Order());
        Assert.Equal(new[] { "#", "+/info" }, Match(index, "sys/info").Select(s => s.Filter).Order());
    }

    [Fact]
    public void Remove_LastSubscriber_PrunesAndStopsMatching()
    {
        var index = new SubscriptionIndex<string, Sub>();
        index.Add("a/+/c", "c1", new Sub("c1", "a/+/c"));
        index.Add("a/+/c", "c2", new Sub("c2", "a/+/c"));
        Assert.Equal(2, Match(index, "a/b/c").Count);
        Assert.True(index.Remove("a/+/c", "c1"));
        Assert.False(index.Remove("a/+/c", "c1"));
        Assert.Single(Match(index, "a/b/c"));
        Assert.True(index.Remove("a/+/c", "c2"));
        Assert.Empty(Match(index, "a/b/c"));
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public void Add_SameClientSameFilter_Replaces()
    {
        var index = new SubscriptionIndex<string, Sub>();
        Assert.True(index.Add("a", "c1", new Sub("c1", "v1")));
        Assert.False(index.Add("a", "c1", new Sub("c1", "v2")));
        Assert.Equal("v2", Assert.Single(Match(index, "a")).Filter);
        Assert.Equal(1, index.Count);
    }

    [Fact]
    public void Match_SharedGroup_RoundRobinsOneMemberPerMessage()
    {
        var index = new SubscriptionIndex<string, Sub>();
        index.Add("$share/g/jobs/#", "w1", new Sub("w1", "g"));
        index.Add("$share/g/jobs/#", "w2", new Sub("w2", "g"));
        index.Add("$share/g/jobs/#", "w3", new Sub("w3", "g"));
        index.Add("$share/h/jobs/#", "w1", new Sub("w1", "h"));
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < 300; i++)
        {
            var matched = Match(index, "jobs/1");
            Assert.Equal(2, matched.Count);
            var g = Assert.Single(matched, s => s.Filter == "g");
            counts[g.Client] = counts.GetValueOrDefault(g.Client) + 1;
        }

        Assert.Equal(100, counts["w1"]);
        Assert.Equal(100, counts["w2"]);
        Assert.Equal(100, counts["w3"]);
    }

    [Fact]
    public void Match_RandomFiltersAndTopics_AgreesWithReferenceMatcher()
    {
        var random = new Random(42);
        string[] levels = ["a", "b", "c", "", "$x"];
        string Level(bool filter, bool first)
        {
            var r = random.Next(filter ? 7 : 5);
            return r switch
            {
                5 => "+",
                6 => "#",
                4 when !first => "b",
                _ => levels[r],
            };
        }

        var filters = new HashSet<string>();
        while (filters.Count < 400)
        {
            var depth = random.Next(1, 5);
            var parts = new List<string>();
            for (var i = 0; i < depth; i++)
            {
                var level = Level(true, i == 0);
                parts.Add(level);
                if (level == "#")
                {
                    break;
                }
            }

            var filter = string.Join('/', parts);
            if (MqttTopic.IsValidTopicFilter(filter))
            {
                filters.Add(filter);
            }
        }

        var index = new SubscriptionIndex<string, Sub>();
        foreach (var f in filters)
        {
            index.Add(f, f, new Sub(f, f));
        }

        for (var t = 0; t < 2000; t++)
        {
            var depth = random.Next(1, 6);
            var topic = string.Join('/', Enumerable.Range(0, depth).Select(i => Level(false, i == 0)));
            if (!MqttTopic.IsValidTopicName(topic))
            {
                continue;
            }

            var expected = filters.Where(f => MqttTopic.Matches(f, topic)).Order().ToArray();
            var actual = Match(index, topic).Select(s => s.Filter).Order().ToArray();
            Assert.True(expected.SequenceEqual(actual), $"topic '{topic}': expected [{string.Join(", ", expected)}] got [{string.Join(", ", actual)}]");
        }
    }
}
