using EdgeConductor.Mqtt.Topics;

namespace EdgeConductor.Mqtt.Tests.Topics;

public sealed class TopicValidationTests
{
    [Theory]
    [InlineData("a", true)]
    [InlineData("a/b/c", true)]
    [InlineData("/", true)]
    [InlineData("a//b", true)]
    [InlineData("$SYS/x", true)]
    [InlineData("", false)]
    [InlineData("a/+", false)]
    [InlineData("a/#", false)]
    [InlineData("a+b", false)]
    public void IsValidTopicName_FollowsSpec(string topic, bool valid) => Assert.Equal(valid, MqttTopic.IsValidTopicName(topic));

    [Theory]
    [InlineData("#", true)]
    [InlineData("+", true)]
    [InlineData("a/#", true)]
    [InlineData("a/+/c", true)]
    [InlineData("+/+", true)]
    [InlineData("/+", true)]
    [InlineData("a//#", true)]
    [InlineData("$share/g/a/#", true)]
    [InlineData("$share/g/#", true)]
    [InlineData("", false)]
    [InlineData("a/#/b", false)]
    [InlineData("a#", false)]
    [InlineData("a/b#", false)]
    [InlineData("a+", false)]
    [InlineData("a/+b", false)]
    [InlineData("$share/g", false)]
    [InlineData("$share//a", false)]
    [InlineData("$share/g+/a", false)]
    [InlineData("$share/g/", false)]
    [InlineData("$share/g/a/#/b", false)]
    public void IsValidTopicFilter_FollowsSpec(string filter, bool valid) => Assert.Equal(valid, MqttTopic.IsValidTopicFilter(filter));

    [Theory]
    [InlineData("a/b", "a/b", true)]
    [InlineData("a/+", "a/b", true)]
    [InlineData("a/+", "a/b/c", false)]
    [InlineData("a/#", "a", true)]
    [InlineData("a/#", "a/b/c", true)]
    [InlineData("#", "a/b", true)]
    [InlineData("+/+", "a/b", true)]
    [InlineData("+/+", "/b", true)]
    [InlineData("+", "/b", false)]
    [InlineData("/+", "/b", true)]
    [InlineData("a/+/c", "a//c", true)]
    [InlineData("#", "$SYS/x", false)]
    [InlineData("+/x", "$SYS/x", false)]
    [InlineData("$SYS/#", "$SYS/x", true)]
    [InlineData("$SYS/+", "$SYS/x", true)]
    [InlineData("a/b", "a/B", false)]
    [InlineData("a", "a/", false)]
    [InlineData("a/+", "a/", true)]
    public void Matches_FollowsSpec(string filter, string topic, bool expected) => Assert.Equal(expected, MqttTopic.Matches(filter, topic));

    [Fact]
    public void TryParseShared_SplitsGroupAndFilter()
    {
        Assert.True(MqttTopic.TryParseShared("$share/workers/jobs/+/run", out var group, out var filter));
        Assert.Equal("workers", group);
        Assert.Equal("jobs/+/run", filter);
    }
}
