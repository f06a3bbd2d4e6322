using System.Text;
using System.Threading.Channels;
using EdgeConductor.Mqtt.Client;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Telemetry.Tests.Security;

/// <summary>
/// Our own MQTT client held open across a change of rights: records what arrives and how the server ended the
/// connection (the v5 DISCONNECT reason, or null for a plain close).
/// </summary>
internal sealed class LiveMqtt : IAsyncDisposable
{
    private readonly TaskCompletionSource<MqttReasonCode?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LiveMqtt(MqttClient client)
    {
        Client = client;
        client.Disconnected = (reason, _) => _closed.TrySetResult(reason);
    }

    public MqttClient Client { get; }

    public static int Version(MqttProtocolVersion v) => v == MqttProtocolVersion.V500 ? 5 : 311;

    public static async Task<LiveMqtt> ConnectAsync(EcServer server, string? user, string? password, MqttProtocolVersion version)
    {
        var client = new MqttClient(new MqttClientOptions
        {
            Port = server.MqttPort, ClientId = "live-" + Guid.NewGuid().ToString("N")[..12], ProtocolVersion = version,
            UserName = user, Password = password is null ? (ReadOnlyMemory<byte>?)null : Encoding.UTF8.GetBytes(password),
        });
        var live = new LiveMqtt(client);
        await client.ConnectAsync();
        return live;
    }

    public static Task<LiveMqtt> ServiceAsync(EcServer server, string apiKey, MqttProtocolVersion version) =>
        ConnectAsync(server, "service", apiKey, version);

    /// <summary>SUBSCRIBE and return the SUBACK reason code.</summary>
    public Task<MqttReasonCode> SubscribeAsync(string filter) => Client.SubscribeAsync(filter, MqttQualityOfService.AtLeastOnce);

    /// <summary>The next message on a topic satisfying <paramref name="match"/>; others are skipped. Fails after 10 s.</summary>
    public async Task<(string Topic, string Payload)> NextAsync(Func<string, string, bool> match, string what)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var skipped = new List<string>();
        try
        {
            while (true)
            {
                var m = await Client.Messages.ReadAsync(cts.Token);
                var payload = Encoding.UTF8.GetString(m.Payload.Span);
                if (match(m.Topic, payload)) return (m.Topic, payload);
                skipped.Add(m.Topic);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            throw new Xunit.Sdk.XunitException($"{what} did not arrive. Skipped: [{string.Join(", ", skipped)}]");
        }
    }

    /// <summary>Everything that arrives within <paramref name="window"/> (a negative test's documented wait).</summary>
    public async Task<List<string>> DrainAsync(TimeSpan window)
    {
        var topics = new List<string>();
        using var cts = new CancellationTokenSource(window);
        try
        {
            while (true) topics.Add((await Client.Messages.ReadAsync(cts.Token)).Topic);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            return topics;
        }
    }

    /// <summary>How the server closed the connection; fails if it is still open after a generous 10 s.</summary>
    public async Task<MqttReasonCode?> ClosedByServerAsync()
    {
        try
        {
            return await _closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException("The server did not close the connection.");
        }
    }

    public async ValueTask DisposeAsync() => await Client.DisposeAsync();
}
