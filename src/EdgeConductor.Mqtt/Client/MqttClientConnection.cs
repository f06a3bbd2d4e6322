using System.IO.Pipelines;

namespace EdgeConductor.Mqtt.Client;

/// <summary>One transport connection of a <see cref="MqttClient"/> (a client reconnects with a new one).</summary>
internal sealed class MqttClientConnection
{
    public MqttClientConnection(IDuplexPipe pipe, IAsyncDisposable? owner)
    {
        Pipe = pipe;
        Owner = owner;
    }

    public IDuplexPipe Pipe { get; }

    public IAsyncDisposable? Owner { get; }

    public SemaphoreSlim WriteLock { get; } = new(1, 1);

    public CancellationTokenSource Lifetime { get; } = new();

    public long LastReceivedTicks;

    public Task? ReadLoop { get; set; }

    public ushort KeepAlive { get; set; }

    /// <summary>Server → client topic aliases of this connection (v5), created with the first aliased PUBLISH.</summary>
    public Dictionary<ushort, string>? TopicAliases { get; set; }
}
