using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Broker;

public sealed class QosFlowTests
{
    [Theory]
    [InlineData(MqttProtocolVersion.V311, MqttQualityOfService.AtMostOnce)]
    [InlineData(MqttProtocolVersion.V311, MqttQualityOfService.AtLeastOnce)]
    [InlineData(MqttProtocolVersion.V311, MqttQualityOfService.ExactlyOnce)]
    [InlineData(MqttProtocolVersion.V500, MqttQualityOfService.AtMostOnce)]
    [InlineData(MqttProtocolVersion.V500, MqttQualityOfService.AtLeastOnce)]
    [InlineData(MqttProtocolVersion.V500, MqttQualityOfService.ExactlyOnce)]
    public async Task Publish_EachQoS_DeliveredOnceToSubscriber(MqttProtocolVersion version, MqttQualityOfService qos)
    {
        await using var test = TestBroker.Start();
        var subscriber = await test.ConnectAsync("sub", version);
        Assert.Equal((MqttReasonCode)(byte)qos, await subscriber.SubscribeAsync("sensors/+/temp", qos));
        var publisher = await test.ConnectAsync("pub", version);

        var code = await publisher.PublishAsync("sensors/a/temp", "21.5", qos);

        Assert.Equal(MqttReasonCode.Success, code);
        var message = await subscriber.ReceiveAsync();
        Assert.Equal("sensors/a/temp", message.Topic);
        Assert.Equal("21.5", message.Text());
        Assert.Equal(qos, message.QoS);
        Assert.Null(await subscriber.TryReceiveAsync(TimeSpan.FromMilliseconds(200)));
    }
}
