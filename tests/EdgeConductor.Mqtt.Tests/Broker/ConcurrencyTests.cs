using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Broker;

public sealed class ConcurrencyTests
{
    [Theory]
    [InlineData(MqttQualityOfService.AtLeastOnce)]
    [InlineData(MqttQualityOfService.ExactlyOnce)]
    public async Task ManyPublishersManySubscribers_NoLossAndPerPublisherOrder(MqttQualityOfService qos)
    {
        const int publishers = 6, perPublisher = 400, subscribers = 3;
        // This test is about ordering and loss under concurrency, not about slow consumers: on a loaded 2-core machine the
        // subscribers can fall 2,000 messages behind, and after QueueFullWaitTimeout (2 s by default) the broker would drop by
        // design (BackPressureTests cover that). A generous wait keeps the drop path out of this test.
        await using var test = TestBroker.Start(o => o.QueueFullWaitTimeout = TimeSpan.FromSeconds(60));
        var subs = new List<EdgeConductor.Mqtt.Client.MqttClient>();
        for (var s = 0; s < subscribers; s++)
        {
            var client = await test.ConnectAsync("csub-" + s, s % 2 == 0 ? MqttProtocolVersion.V500 : MqttProtocolVersion.V311);
            await client.SubscribeAsync("load/#", qos);
            subs.Add(client);
        }

        var pubs = new List<Task>();
        for (var p = 0; p < publishers; p++)
        {
            var id = p;
            pubs.Add(Task.Run(async () =>
            {
                var client = await test.ConnectAsync("cpub-" + id, id % 2 == 0 ? MqttProtocolVersion.V311 : MqttProtocolVersion.V500);
                var inflight = new List<Task<MqttReasonCode>>();
                for (var i = 0; i < perPublisher; i++)
                {
                    inflight.Add(client.PublishAsync($"load/{id}", $"{id}:{i}", qos));
                    if (inflight.Count == 50)
                    {
                        Assert.All(await Task.WhenAll(inflight), c => Assert.Equal(MqttReasonCode.Success, c));
                        inflight.Clear();
                    }
                }

                Assert.All(await Task.WhenAll(inflight), c => Assert.Equal(MqttReasonCode.Success, c));
            }));
        }

        await Task.WhenAll(pubs);
        Assert.Equal(0, test.Broker.GetStatistics().MessagesDropped);
        foreach (var sub in subs)
        {
            var next = new int[publishers];
            for (var n = 0; n < publishers * perPublisher; n++)
            {
                var parts = (await sub.ReceiveAsync()).Text().Split(':');
                var p = int.Parse(parts[0]);
                Assert.Equal(next[p]++, int.Parse(parts[1]));
            }

            Assert.Null(await sub.TryReceiveAsync(TimeSpan.FromMilliseconds(100)));
        }
    }
}
