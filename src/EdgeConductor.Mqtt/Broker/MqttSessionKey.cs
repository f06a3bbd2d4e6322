namespace EdgeConductor.Mqtt.Broker;

/// <summary>
/// The identity of a broker session: the owner the authentication hook named (<see cref="MqttAuthenticationResult.Owner"/>)
/// and the client identifier the client chose (or was assigned). Two owners using the same client id hold two separate
/// sessions and never touch each other; the same owner and client id connecting again takes the session over
/// (MQTT 3.1.1 §3.1.4 [MQTT-3.1.4-2], MQTT 5.0 §3.1.4).
/// </summary>
/// <param name="Owner">Opaque owner key from the authentication hook; <see cref="MqttAuthenticationResult.DefaultOwner"/> when the hook gave none.</param>
/// <param name="ClientId">The MQTT client identifier, exactly as used on the wire.</param>
public readonly record struct MqttSessionKey(string Owner, string ClientId)
{
    /// <summary>A session of the default owner: the key a broker whose hooks give no owner uses for every client.</summary>
    public static MqttSessionKey ForClientId(string clientId) => new(MqttAuthenticationResult.DefaultOwner, clientId);

    /// <inheritdoc />
    public override string ToString() => Owner.Length == 0 ? ClientId : $"{Owner}/{ClientId}";
}
