namespace EdgeConductor.Mqtt.Broker;

public enum MqttDisconnectReason
{
    ClientDisconnected,
    ClientDisconnectedWithWill,
    ConnectionLost,
    ProtocolError,
    KeepAliveTimeout,
    SessionTakenOver,
    ServerShutdown,
    AdministrativeAction,
    ConnectRejected,
}
