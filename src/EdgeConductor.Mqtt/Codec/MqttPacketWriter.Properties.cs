using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Codec;

public static partial class MqttPacketWriter
{
    /// <summary>Size of the property block including its length prefix (1 byte when empty).</summary>
    internal static int PropertiesSize(MqttProperties? p)
    {
        var content = PropertiesContentSize(p);
        return MqttSpanWriter.VariableByteIntegerSize((uint)content) + content;
    }

    private static int PropertiesContentSize(MqttProperties? p)
    {
        if (p is null)
        {
            return 0;
        }

        var n = 0;
        if (p.PayloadFormatIndicator.HasValue) n += 2;
        if (p.MessageExpiryInterval.HasValue) n += 5;
        if (p.ContentType is not null) n += 1 + MqttSpanWriter.StringSize(p.ContentType);
        if (p.ResponseTopic is not null) n += 1 + MqttSpanWriter.StringSize(p.ResponseTopic);
        if (p.CorrelationData is { } cd) n += 3 + cd.Length;
        if (p.SubscriptionIdentifiers is { } ids)
        {
            foreach (var id in ids)
            {
                n += 1 + MqttSpanWriter.VariableByteIntegerSize(id);
            }
        }

        if (p.SessionExpiryInterval.HasValue) n += 5;
        if (p.AssignedClientIdentifier is not null) n += 1 + MqttSpanWriter.StringSize(p.AssignedClientIdentifier);
        if (p.ServerKeepAlive.HasValue) n += 3;
        if (p.AuthenticationMethod is not null) n += 1 + MqttSpanWriter.StringSize(p.AuthenticationMethod);
        if (p.AuthenticationData is { } ad) n += 3 + ad.Length;
        if (p.RequestProblemInformation.HasValue) n += 2;
        if (p.WillDelayInterval.HasValue) n += 5;
        if (p.RequestResponseInformation.HasValue) n += 2;
        if (p.ResponseInformation is not null) n += 1 + MqttSpanWriter.StringSize(p.ResponseInformation);
        if (p.ServerReference is not null) n += 1 + MqttSpanWriter.StringSize(p.ServerReference);
        if (p.ReasonString is not null) n += 1 + MqttSpanWriter.StringSize(p.ReasonString);
        if (p.ReceiveMaximum.HasValue) n += 3;
        if (p.TopicAliasMaximum.HasValue) n += 3;
        if (p.TopicAlias.HasValue) n += 3;
        if (p.MaximumQoS.HasValue) n += 2;
        if (p.RetainAvailable.HasValue) n += 2;
        if (p.UserProperties is { } ups)
        {
            foreach (var up in ups)
            {
                n += 1 + MqttSpanWriter.StringSize(up.Name) + MqttSpanWriter.StringSize(up.Value);
            }
        }

        if (p.MaximumPacketSize.HasValue) n += 5;
        if (p.WildcardSubscriptionAvailable.HasValue) n += 2;
        if (p.SubscriptionIdentifierAvailable.HasValue) n += 2;
        if (p.SharedSubscriptionAvailable.HasValue) n += 2;
        return n;
    }

    private static void WriteProperties(ref MqttSpanWriter w, MqttProperties? p)
    {
        w.WriteVariableByteInteger((uint)PropertiesContentSize(p));
        if (p is null)
        {
            return;
        }

        if (p.PayloadFormatIndicator is { } pfi) { w.WriteByte((byte)MqttPropertyId.PayloadFormatIndicator); w.WriteByte(pfi); }
        if (p.MessageExpiryInterval is { } mei) { w.WriteByte((byte)MqttPropertyId.MessageExpiryInterval); w.WriteUInt32(mei); }
        if (p.ContentType is { } ct) { w.WriteByte((byte)MqttPropertyId.ContentType); w.WriteString(ct); }
        if (p.ResponseTopic is { } rt) { w.WriteByte((byte)MqttPropertyId.ResponseTopic); w.WriteString(rt); }
        if (p.CorrelationData is { } cd) { w.WriteByte((byte)MqttPropertyId.CorrelationData); w.WriteBinary(cd.Span); }
        if (p.SubscriptionIdentifiers is { } ids)
        {
            foreach (var id in ids)
            {
                w.WriteByte((byte)MqttPropertyId.SubscriptionIdentifier);
                w.WriteVariableByteInteger(id);
            }
        }

        if (p.SessionExpiryInterval is { } sei) { w.WriteByte((byte)MqttPropertyId.SessionExpiryInterval); w.WriteUInt32(sei); }
        if (p.AssignedClientIdentifier is { } aci) { w.WriteByte((byte)MqttPropertyId.AssignedClientIdentifier); w.WriteString(aci); }
        if (p.ServerKeepAlive is { } ska) { w.WriteByte((byte)MqttPropertyId.ServerKeepAlive); w.WriteUInt16(ska); }
        if (p.AuthenticationMethod is { } am) { w.WriteByte((byte)MqttPropertyId.AuthenticationMethod); w.WriteString(am); }
        if (p.AuthenticationData is { } ad) { w.WriteByte((byte)MqttPropertyId.AuthenticationData); w.WriteBinary(ad.Span); }
        if (p.RequestProblemInformation is { } rpi) { w.WriteByte((byte)MqttPropertyId.RequestProblemInformation); w.WriteByte(rpi); }
        if (p.WillDelayInterval is { } wdi) { w.WriteByte((byte)MqttPropertyId.WillDelayInterval); w.WriteUInt32(wdi); }
        if (p.RequestResponseInformation is { } rri) { w.WriteByte((byte)MqttPropertyId.RequestResponseInformation); w.WriteByte(rri); }
        if (p.ResponseInformation is { } ri) { w.WriteByte((byte)MqttPropertyId.ResponseInformation); w.WriteString(ri); }
        if (p.ServerReference is { } sr) { w.WriteByte((byte)MqttPropertyId.ServerReference); w.WriteString(sr); }
        if (p.ReasonString is { } rs) { w.WriteByte((byte)MqttPropertyId.ReasonString); w.WriteString(rs); }
        if (p.ReceiveMaximum is { } rm) { w.WriteByte((byte)MqttPropertyId.ReceiveMaximum); w.WriteUInt16(rm); }
        if (p.TopicAliasMaximum is { } tam) { w.WriteByte((byte)MqttPropertyId.TopicAliasMaximum); w.WriteUInt16(tam); }
        if (p.TopicAlias is { } ta) { w.WriteByte((byte)MqttPropertyId.TopicAlias); w.WriteUInt16(ta); }
        if (p.MaximumQoS is { } mq) { w.WriteByte((byte)MqttPropertyId.MaximumQoS); w.WriteByte(mq); }
        if (p.RetainAvailable is { } ra) { w.WriteByte((byte)MqttPropertyId.RetainAvailable); w.WriteByte(ra); }
        if (p.UserProperties is { } ups)
        {
            foreach (var up in ups)
            {
                w.WriteByte((byte)MqttPropertyId.UserProperty);
                w.WriteString(up.Name);
                w.WriteString(up.Value);
            }
        }

        if (p.MaximumPacketSize is { } mps) { w.WriteByte((byte)MqttPropertyId.MaximumPacketSize); w.WriteUInt32(mps); }
        if (p.WildcardSubscriptionAvailable is { } wsa) { w.WriteByte((byte)MqttPropertyId.WildcardSubscriptionAvailable); w.WriteByte(wsa); }
        if (p.SubscriptionIdentifierAvailable is { } sia) { w.WriteByte((byte)MqttPropertyId.SubscriptionIdentifierAvailable); w.WriteByte(sia); }
        if (p.SharedSubscriptionAvailable is { } ssa) { w.WriteByte((byte)MqttPropertyId.SharedSubscriptionAvailable); w.WriteByte(ssa); }
    }
}
