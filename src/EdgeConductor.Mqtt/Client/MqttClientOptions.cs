using System.IO.Pipelines;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Client;

public sealed class MqttClientOptions
{
    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 1883;

    /// <summary>Optional custom transport (WebSocket, in-memory). Overrides <see cref="Host"/>/<see cref="Port"/>.</summary>
    public Func<CancellationToken, ValueTask<IDuplexPipe>>? TransportFactory { get; set; }

    public string ClientId { get; set; } = "";

    public MqttProtocolVersion ProtocolVersion { get; set; } = MqttProtocolVersion.V500;

    public bool CleanStart { get; set; } = true;

    public ushort KeepAliveSeconds { get; set; } = 30;

    public string? UserName { get; set; }

    public ReadOnlyMemory<byte>? Password { get; set; }

    public MqttWillMessage? Will { get; set; }

    /// <summary>v5 session expiry interval (seconds).</summary>
    public uint SessionExpiryInterval { get; set; }

    /// <summary>v5 receive maximum announced to the server.</summary>
    public ushort? ReceiveMaximum { get; set; }

    /// <summary>
    /// v5 Topic Alias Maximum announced to the server: how many server → client topic aliases this client accepts (null or
    /// 0: none). Aliased messages are delivered with their full topic; the mapping lives for one connection.
    /// </summary>
    public ushort? TopicAliasMaximum { get; set; }

    /// <summary>v5 maximum packet size announced to the server.</summary>
    public uint? MaximumPacketSize { get; set; }

    /// <summary>Extra v5 CONNECT properties (user properties, authentication method...).</summary>
    public List<MqttUserProperty>? UserProperties { get; set; }

    public bool AutoReconnect { get; set; }

    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Capacity of <see cref="MqttClient.Messages"/>; when full, reading from the network pauses (back-pressure).</summary>
    public int ReceiveQueueCapacity { get; set; } = 10_000;

    /// <summary>Whether packets whose source is the broker should be re-subscribed after a reconnect without session.</summary>
    public bool ResubscribeOnReconnect { get; set; } = true;

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
