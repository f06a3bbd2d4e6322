using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Broker;

public sealed class SharedSubscriptionTests
{
    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task SharedGroup_MessagesDistributedRoundRobin_NormalSubscriberGetsAll(MqttProtocolVersion version)
    {
        await using var test = TestBroker.Start();
        var workers = new List<EdgeConductor.Mqtt.Client.MqttClient>();
        for (var i = 0; i < 3; i++)
        {
            var w = await test.ConnectAsync("worker-" + i, version);
            await w.SubscribeAsync("$share/workers/jobs/#", MqttQualityOfService.AtLeastOnce);
            workers.Add(w);
        }

        var auditor = await test.ConnectAsync("auditor", version);
        await auditor.SubscribeAsync("jobs/#", MqttQualityOfService.AtLeastOnce);
        var publisher = await test.ConnectAsync("pub", version);
        for (var i = 0; i < 30; i++)
        {
            await publisher.PublishAsync("jobs/" + i, i.ToString(), MqttQualityOfService.AtLeastOnce);
        }

        for (var i = 0; i < 30; i++)
        {
            await auditor.ReceiveAsync();
        }

        var total = 0;
        foreach (var w in workers)
        {
            var got = 0;
            while (await w.TryReceiveAsync(TimeSpan.FromMilliseconds(300)) is not null)
            {
                got++;
            }

            Assert.Equal(10, got);
            total += got;
        }

        Assert.Equal(30, total);
    }

    [Fact]
    public async Task SharedGroup_MemberLeaves_RemainingMemberGetsEverything()
    {
        await using var test = TestBroker.Start();
        var a = await test.ConnectAsync("a");
        await a.SubscribeAsync("$share/g/t");
        var b = await test.ConnectAsync("b");
        await b.SubscribeAsync("$share/g/t");
        await b.UnsubscribeAsync("$share/g/t");
        var publisher = await test.ConnectAsync("pub");
        for (var i = 0; i < 5; i++)
        {
            await publisher.PublishAsync("t", "x", MqttQualityOfService.AtLeastOnce);
        }

        for (var i = 0; i < 5; i++)
        {
            await a.ReceiveAsync();
        }

        Assert.Null(await b.TryReceiveAsync(TimeSpan.FromMilliseconds(200)));
    }
}
