using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Codec;

/// <summary>Which property may appear in which packet (MQTT 5.0 table 2.4). Context 0 means will properties.</summary>
internal static class MqttPropertyRules
{
    private const int Will = 0;

    private static readonly ushort[] AllowedContexts = BuildTable();

    public static bool IsAllowed(MqttPropertyId id, MqttPacketType context)
    {
        var index = (int)id;
        return index < AllowedContexts.Length && (AllowedContexts[index] & (1 << (int)context)) != 0;
    }

    private static ushort[] BuildTable()
    {
        var table = new ushort[0x2B];
        void Allow(MqttPropertyId id, params int[] contexts)
        {
            foreach (var c in contexts)
            {
                table[(int)id] |= (ushort)(1 << c);
            }
        }

        const int connect = (int)MqttPacketType.Connect, connAck = (int)MqttPacketType.ConnAck, publish = (int)MqttPacketType.Publish;
        const int pubAck = (int)MqttPacketType.PubAck, pubRec = (int)MqttPacketType.PubRec, pubRel = (int)MqttPacketType.PubRel, pubComp = (int)MqttPacketType.PubComp;
        const int subscribe = (int)MqttPacketType.Subscribe, subAck = (int)MqttPacketType.SubAck, unsubscribe = (int)MqttPacketType.Unsubscribe;
        const int unsubAck = (int)MqttPacketType.UnsubAck, disconnect = (int)MqttPacketType.Disconnect, auth = (int)MqttPacketType.Auth;

        Allow(MqttPropertyId.PayloadFormatIndicator, publish, Will);
        Allow(MqttPropertyId.MessageExpiryInterval, publish, Will);
        Allow(MqttPropertyId.ContentType, publish, Will);
        Allow(MqttPropertyId.ResponseTopic, publish, Will);
        Allow(MqttPropertyId.CorrelationData, publish, Will);
        Allow(MqttPropertyId.SubscriptionIdentifier, publish, subscribe);
        Allow(MqttPropertyId.SessionExpiryInterval, connect, connAck, disconnect);
        Allow(MqttPropertyId.AssignedClientIdentifier, connAck);
        Allow(MqttPropertyId.ServerKeepAlive, connAck);
        Allow(MqttPropertyId.AuthenticationMethod, connect, connAck, auth);
        Allow(MqttPropertyId.AuthenticationData, connect, connAck, auth);
        Allow(MqttPropertyId.RequestProblemInformation, connect);
        Allow(MqttPropertyId.WillDelayInterval, Will);
        Allow(MqttPropertyId.RequestResponseInformation, connect);
        Allow(MqttPropertyId.ResponseInformation, connAck);
        Allow(MqttPropertyId.ServerReference, connAck, disconnect);
        Allow(MqttPropertyId.ReasonString, connAck, pubAck, pubRec, pubRel, pubComp, subAck, unsubAck, disconnect, auth);
        Allow(MqttPropertyId.ReceiveMaximum, connect, connAck);
        Allow(MqttPropertyId.TopicAliasMaximum, connect, connAck);
        Allow(MqttPropertyId.TopicAlias, publish);
        Allow(MqttPropertyId.MaximumQoS, connAck);
        Allow(MqttPropertyId.RetainAvailable, connAck);
        Allow(MqttPropertyId.UserProperty, Will, connect, connAck, publish, pubAck, pubRec, pubRel, pubComp, subscribe, subAck, unsubscribe, unsubAck, disconnect, auth);
        Allow(MqttPropertyId.MaximumPacketSize, connect, connAck);
        Allow(MqttPropertyId.WildcardSubscriptionAvailable, connAck);
        Allow(MqttPropertyId.SubscriptionIdentifierAvailable, connAck);
        Allow(MqttPropertyId.SharedSubscriptionAvailable, connAck);
        return table;
    }
}
