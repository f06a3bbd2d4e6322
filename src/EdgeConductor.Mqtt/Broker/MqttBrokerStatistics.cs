namespace EdgeConductor.Mqtt.Broker;

/// <summary>Snapshot of broker counters (the same figures are exported on the <c>EdgeConductor.Mqtt</c> meter).</summary>
public sealed record MqttBrokerStatistics(
    int ConnectedClients,
    int Sessions,
    int Subscriptions,
    int RetainedMessages,
    long MessagesReceived,
    long MessagesSent,
    long BytesReceived,
    long BytesSent,
    long MessagesDropped,
    long AuthenticationFailures,
    long PublishesRejected);
