using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace EdgeConductor.Cli.Simulation;

/// <summary>
/// One simulated device's connection to the platform, whatever the transport: what the firmware sends (telemetry,
/// reported state, command and OTA answers) and what it receives (<see cref="Inbound"/>).
/// </summary>
internal abstract class DeviceLink : IAsyncDisposable
{
    private readonly Channel<InboundMessage> _inbound = Channel.CreateBounded<InboundMessage>(new BoundedChannelOptions(256)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
    });

    /// <summary>Desired state, commands and OTA offers, in arrival order.</summary>
    public ChannelReader<InboundMessage> Inbound => _inbound.Reader;

    protected void Receive(InboundMessage message) => _inbound.Writer.TryWrite(message);

    /// <summary>Whether the device can talk to the platform now.</summary>
    public abstract bool Connected { get; }

    /// <summary>Connects (MQTT: CONNECT + SUBSCRIBE). Throws when the platform cannot be reached or refuses.</summary>
    public abstract Task ConnectAsync(CancellationToken ct);

    /// <summary>Goes away: <paramref name="graceful"/> sends DISCONNECT; otherwise the connection is simply dropped (power loss, flapping).</summary>
    public abstract Task DisconnectAsync(bool graceful);

    /// <summary>Sends one telemetry message (an object, or an array of buffered readings). True when the platform acknowledged it.</summary>
    /// <exception cref="SimulatedLinkException">The connection failed before an answer: the readings may or may not be stored.</exception>
    public abstract Task<bool> SendTelemetryAsync(JsonNode payload, CancellationToken ct);

    /// <summary>Reports applied desired state (MQTT <c>shadow/reported</c>; HTTPS devices confirm through telemetry instead).</summary>
    public abstract Task ReportStateAsync(JsonObject state, CancellationToken ct);

    /// <summary>Answers a command: <c>{"id","status","result"}</c>.</summary>
    public abstract Task AckCommandAsync(string id, string status, string? result, CancellationToken ct);

    /// <summary>Reports OTA progress (docs/ota.md "Report progress").</summary>
    public abstract Task ReportOtaAsync(JsonObject status, CancellationToken ct);

    /// <summary>HTTPS devices ask for commands; MQTT devices get them pushed (no-op).</summary>
    public virtual Task PollAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>Whether applied desired state must be confirmed through telemetry (HTTPS) rather than <see cref="ReportStateAsync"/>.</summary>
    public abstract bool ConfirmsThroughTelemetry { get; }

    public abstract ValueTask DisposeAsync();
}

/// <summary>Something the platform sent to a device.</summary>
internal abstract record InboundMessage;

/// <summary>Desired state: a patch (MQTT) or the whole desired document (HTTPS poll) at <paramref name="Version"/>.</summary>
internal sealed record DesiredMessage(JsonObject Desired, long? Version) : InboundMessage;

/// <summary>A command (<c>{"cmd","id",…params}</c>).</summary>
internal sealed record CommandMessage(string Id, string Cmd, JsonObject Body) : InboundMessage;

/// <summary>A firmware update offer (<c>{"url","version","sha256","size","job_id"}</c>).</summary>
internal sealed record OtaMessage(string Url, string Version, string? Sha256, long? Size, string? JobId) : InboundMessage;

/// <summary>The connection of a simulated device failed.</summary>
internal sealed class SimulatedLinkException(string message, Exception? inner = null) : Exception(message, inner);
