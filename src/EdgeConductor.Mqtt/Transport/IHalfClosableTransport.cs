namespace EdgeConductor.Mqtt.Transport;

/// <summary>
/// A transport that can close its sending direction alone (TCP half-close, <c>shutdown(SHUT_WR)</c>): the peer reads
/// everything sent so far and then end-of-stream, while this side can still read what the peer is sending. The broker
/// uses it after a DISCONNECT with a reason code, before draining the client's input (docs/mqtt-server.md,
/// "DISCONNECT with a reason").
/// </summary>
public interface IHalfClosableTransport
{
    /// <summary>Sends FIN after the bytes already written. Never throws: a transport already closed is left as it is.</summary>
    void ShutdownSend();
}
