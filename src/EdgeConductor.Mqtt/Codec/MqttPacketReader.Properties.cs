using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Codec;

public static partial class MqttPacketReader
{
    /// <summary>Pseudo packet type used for will properties.</summary>
    internal const MqttPacketType WillPropertiesContext = 0;

    private static MqttProperties? ReadProperties(ref MqttBodyReader reader, MqttPacketType context)
    {
        var length = reader.ReadVariableByteInteger();
        if (length == 0)
        {
            return null;
        }

        if (length > reader.Remaining)
        {
            MqttProtocolException.ThrowMalformed("Property length exceeds packet.");
        }

        var properties = new MqttProperties();
        var inner = new MqttBodyReader(reader.ReadBytes((int)length));
        ulong seen = 0;
        while (!inner.End)
        {
            var id = (MqttPropertyId)inner.ReadVariableByteInteger();
            if (!MqttPropertyRules.IsAllowed(id, context))
            {
                MqttProtocolException.ThrowProtocolError($"Property {id} is not allowed in {(context == 0 ? "will" : context.ToString())}.");
            }

            var bit = 1UL << (int)id;
            if ((seen & bit) != 0 && id != MqttPropertyId.UserProperty && !(id == MqttPropertyId.SubscriptionIdentifier && context == MqttPacketType.Publish))
            {
                MqttProtocolException.ThrowProtocolError($"Property {id} appears more than once.");
            }

            seen |= bit;
            switch (id)
            {
                case MqttPropertyId.PayloadFormatIndicator:
                    properties.PayloadFormatIndicator = ReadBooleanByte(ref inner, id);
                    break;
                case MqttPropertyId.MessageExpiryInterval:
                    properties.MessageExpiryInterval = inner.ReadUInt32();
                    break;
                case MqttPropertyId.ContentType:
                    properties.ContentType = inner.ReadString();
                    break;
                case MqttPropertyId.ResponseTopic:
                    properties.ResponseTopic = inner.ReadString();
                    if (properties.ResponseTopic.Length == 0 || properties.ResponseTopic.AsSpan().IndexOfAny('+', '#') >= 0)
                    {
                        MqttProtocolException.ThrowProtocolError("Response topic must be a valid topic name.");
                    }

                    break;
                case MqttPropertyId.CorrelationData:
                    properties.CorrelationData = inner.ReadBinary().ToArray();
                    break;
                case MqttPropertyId.SubscriptionIdentifier:
                    var subscriptionId = inner.ReadVariableByteInteger();
                    if (subscriptionId == 0)
                    {
                        MqttProtocolException.ThrowProtocolError("Subscription identifier must be non-zero.");
                    }

                    (properties.SubscriptionIdentifiers ??= []).Add(subscriptionId);
                    break;
                case MqttPropertyId.SessionExpiryInterval:
                    properties.SessionExpiryInterval = inner.ReadUInt32();
                    break;
                case MqttPropertyId.AssignedClientIdentifier:
                    properties.AssignedClientIdentifier = inner.ReadString();
                    break;
                case MqttPropertyId.ServerKeepAlive:
                    properties.ServerKeepAlive = inner.ReadUInt16();
                    break;
                case MqttPropertyId.AuthenticationMethod:
                    properties.AuthenticationMethod = inner.ReadString();
                    break;
                case MqttPropertyId.AuthenticationData:
                    properties.AuthenticationData = inner.ReadBinary().ToArray();
                    break;
                case MqttPropertyId.RequestProblemInformation:
                    properties.RequestProblemInformation = ReadBooleanByte(ref inner, id);
                    break;
                case MqttPropertyId.WillDelayInterval:
                    properties.WillDelayInterval = inner.ReadUInt32();
                    break;
                case MqttPropertyId.RequestResponseInformation:
                    properties.RequestResponseInformation = ReadBooleanByte(ref inner, id);
                    break;
                case MqttPropertyId.ResponseInformation:
                    properties.ResponseInformation = inner.ReadString();
                    break;
                case MqttPropertyId.ServerReference:
                    properties.ServerReference = inner.ReadString();
                    break;
                case MqttPropertyId.ReasonString:
                    properties.ReasonString = inner.ReadString();
                    break;
                case MqttPropertyId.ReceiveMaximum:
                    properties.ReceiveMaximum = inner.ReadUInt16();
                    if (properties.ReceiveMaximum == 0)
                    {
                        MqttProtocolException.ThrowProtocolError("Receive maximum must be non-zero.");
                    }

                    break;
                case MqttPropertyId.TopicAliasMaximum:
                    properties.TopicAliasMaximum = inner.ReadUInt16();
                    break;
                case MqttPropertyId.TopicAlias:
                    properties.TopicAlias = inner.ReadUInt16();
                    if (properties.TopicAlias == 0)
                    {
                        MqttProtocolException.Throw(MqttReasonCode.TopicAliasInvalid, "Topic alias must be non-zero.");
                    }

                    break;
                case MqttPropertyId.MaximumQoS:
                    properties.MaximumQoS = ReadBooleanByte(ref inner, id);
                    break;
                case MqttPropertyId.RetainAvailable:
                    properties.RetainAvailable = ReadBooleanByte(ref inner, id);
                    break;
                case MqttPropertyId.UserProperty:
                    var name = inner.ReadString();
                    var value = inner.ReadString();
                    (properties.UserProperties ??= []).Add(new MqttUserProperty(name, value));
                    break;
                case MqttPropertyId.MaximumPacketSize:
                    properties.MaximumPacketSize = inner.ReadUInt32();
                    if (properties.MaximumPacketSize == 0)
                    {
                        MqttProtocolException.ThrowProtocolError("Maximum packet size must be non-zero.");
                    }

                    break;
                case MqttPropertyId.WildcardSubscriptionAvailable:
                    properties.WildcardSubscriptionAvailable = ReadBooleanByte(ref inner, id);
                    break;
                case MqttPropertyId.SubscriptionIdentifierAvailable:
                    properties.SubscriptionIdentifierAvailable = ReadBooleanByte(ref inner, id);
                    break;
                case MqttPropertyId.SharedSubscriptionAvailable:
                    properties.SharedSubscriptionAvailable = ReadBooleanByte(ref inner, id);
                    break;
                default:
                    MqttProtocolException.ThrowMalformed($"Unknown property identifier 0x{(int)id:X2}.");
                    break;
            }
        }

        return properties;
    }

    private static byte ReadBooleanByte(ref MqttBodyReader reader, MqttPropertyId id)
    {
        var value = reader.ReadByte();
        if (value > 1)
        {
            MqttProtocolException.ThrowProtocolError($"Property {id} must be 0 or 1.");
        }

        return value;
    }
}
