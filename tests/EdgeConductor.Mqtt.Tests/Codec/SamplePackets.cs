using System.Text;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Tests.Codec;

/// <summary>One or more representative instances of every packet type, per protocol version.</summary>
internal static class SamplePackets
{
    public static IEnumerable<MqttPacket> All(MqttProtocolVersion version)
    {
        var v5 = version == MqttProtocolVersion.V500;
        yield return new ConnectPacket { ProtocolVersion = version, ClientId = "dev-1", KeepAlive = 30, CleanStart = true };
        yield return new ConnectPacket
        {
            ProtocolVersion = version,
            ClientId = "dévice-ü",
            KeepAlive = 65535,
            CleanStart = false,
            UserName = "user",
            Password = Encoding.UTF8.GetBytes("secret"),
            Will = new MqttWillMessage
            {
                Topic = "devices/dev-1/status",
                Payload = Encoding.UTF8.GetBytes("offline"),
                QoS = MqttQualityOfService.AtLeastOnce,
                Retain = true,
                Properties = v5 ? new MqttProperties { WillDelayInterval = 5, ContentType = "text/plain", MessageExpiryInterval = 60 } : null,
            },
            Properties = v5 ? new MqttProperties
            {
                SessionExpiryInterval = 3600,
                ReceiveMaximum = 100,
                MaximumPacketSize = 65536,
                TopicAliasMaximum = 10,
                RequestProblemInformation = 1,
                UserProperties = [new("k", "v"), new("k", "v2")],
            } : null,
        };
        yield return new ConnAckPacket { SessionPresent = true, ReasonCode = MqttReasonCode.Success };
        yield return new ConnAckPacket
        {
            ReasonCode = v5 ? MqttReasonCode.BadUserNameOrPassword : MqttReasonCode.NotAuthorized,
            Properties = v5 ? new MqttProperties { ReasonString = "nope", AssignedClientIdentifier = "auto-1", ServerKeepAlive = 20, MaximumQoS = 1, RetainAvailable = 0 } : null,
        };
        yield return new PublishPacket { Topic = "a/b", Payload = "{\"t\":1}"u8.ToArray() };
        yield return new PublishPacket { Topic = "a/b/c", Payload = new byte[300], QoS = MqttQualityOfService.AtLeastOnce, PacketId = 7, Retain = true };
        yield return new PublishPacket
        {
            Topic = "x",
            Payload = new byte[20_000],
            QoS = MqttQualityOfService.ExactlyOnce,
            PacketId = 65535,
            Dup = true,
            Properties = v5 ? new MqttProperties
            {
                PayloadFormatIndicator = 1,
                MessageExpiryInterval = 10,
                TopicAlias = 3,
                ResponseTopic = "reply/here",
                CorrelationData = new byte[] { 1, 2, 3 },
                SubscriptionIdentifiers = [1, 268_435_455],
                ContentType = "application/json",
                UserProperties = [new("a", "b")],
            } : null,
        };
        yield return new PubAckPacket { PacketId = 1 };
        yield return new PubRecPacket { PacketId = 2 };
        yield return new PubRelPacket { PacketId = 3 };
        yield return new PubCompPacket { PacketId = 4 };
        if (v5)
        {
            yield return new PubAckPacket { PacketId = 5, ReasonCode = MqttReasonCode.NotAuthorized };
            yield return new PubRecPacket { PacketId = 6, ReasonCode = MqttReasonCode.QuotaExceeded, Properties = new MqttProperties { ReasonString = "full" } };
            yield return new PubCompPacket { PacketId = 7, ReasonCode = MqttReasonCode.PacketIdentifierNotFound };
        }

        yield return new SubscribePacket
        {
            PacketId = 10,
            Subscriptions =
            [
                new("a/+/c", MqttQualityOfService.AtLeastOnce),
                new("#", MqttQualityOfService.ExactlyOnce),
                new("$share/g1/jobs/#", MqttQualityOfService.AtMostOnce),
            ],
        };
        if (v5)
        {
            yield return new SubscribePacket
            {
                PacketId = 11,
                Subscriptions = [new("a/b", MqttQualityOfService.AtLeastOnce, NoLocal: true, RetainAsPublished: true, RetainHandling: MqttRetainHandling.DoNotSend)],
                Properties = new MqttProperties { SubscriptionIdentifiers = [42], UserProperties = [new("x", "y")] },
            };
        }

        yield return new SubAckPacket { PacketId = 10, ReasonCodes = [MqttReasonCode.GrantedQoS1, MqttReasonCode.GrantedQoS2, MqttReasonCode.Success, MqttReasonCode.UnspecifiedError] };
        yield return new UnsubscribePacket { PacketId = 12, Filters = ["a/+/c", "#"] };
        yield return new UnsubAckPacket { PacketId = 12, ReasonCodes = v5 ? [MqttReasonCode.Success, MqttReasonCode.NoSubscriptionExisted] : [] };
        yield return PingReqPacket.Instance;
        yield return PingRespPacket.Instance;
        yield return new DisconnectPacket();
        if (v5)
        {
            yield return new DisconnectPacket { ReasonCode = MqttReasonCode.DisconnectWithWillMessage, Properties = new MqttProperties { SessionExpiryInterval = 0, ReasonString = "bye" } };
            yield return new AuthPacket { ReasonCode = MqttReasonCode.ContinueAuthentication, Properties = new MqttProperties { AuthenticationMethod = "SCRAM", AuthenticationData = new byte[] { 9, 9 } } };
            yield return new AuthPacket();
        }
    }

    public static TheoryData<MqttProtocolVersion, int> Cases()
    {
        var data = new TheoryData<MqttProtocolVersion, int>();
        foreach (var version in new[] { MqttProtocolVersion.V311, MqttProtocolVersion.V500 })
        {
            var count = All(version).Count();
            for (var i = 0; i < count; i++)
            {
                data.Add(version, i);
            }
        }

        return data;
    }
}
