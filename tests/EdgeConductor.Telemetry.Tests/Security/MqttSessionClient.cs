using System.Text;
using EdgeConductor.Mqtt.Client;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Telemetry.Tests.Security;

/// <summary>Our own MQTT client against the test server, for the session tests that need CONNACK flags and DISCONNECT codes.</summary>
internal static class MqttSessionClient
{
    /// <summary>How long a negative check ("nothing else arrived") waits after its control message arrived.</summary>
    public static readonly TimeSpan QuietWindow = TimeSpan.FromMilliseconds(750);

    /// <param name="sessionExpiry">v5 Session Expiry Interval of a persistent session (seconds); default one hour.</param>
    public static MqttClient Create(EcServer server, string clientId, string? user, string password, int version, bool persistent, uint sessionExpiry = 3600)
    {
        return new MqttClient(new MqttClientOptions
        {
            Port = server.MqttPort,
            ClientId = clientId,
            ProtocolVersion = version == 5 ? MqttProtocolVersion.V500 : MqttProtocolVersion.V311,
            UserName = user,
            Password = Encoding.UTF8.GetBytes(password),
            CleanStart = !persistent,
            SessionExpiryInterval = persistent ? sessionExpiry : 0u,
            ResubscribeOnReconnect = false,
        });
    }

    public static async Task<MqttClient> ConnectAsync(TestDevice device, string clientId, int version, bool persistent = true)
    {
        var client = Create(device.Org.Server, clientId, device.Serial, device.Secret, version, persistent);
        await client.ConnectAsync();
        return client;
    }

    public static async Task<MqttClient> ConnectServiceAsync(TestOrg org, string clientId, int version, bool persistent = true)
    {
        var client = Create(org.Server, clientId, "service", org.ApiKey, version, persistent);
        await client.ConnectAsync();
        return client;
    }

    public static async Task<MqttReceivedMessage> ReceiveAsync(this MqttClient client, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            return await client.Messages.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"Client '{client.ClientId}' received nothing in time.");
        }
    }

    /// <summary>Everything that arrives within <paramref name="window"/> (call it after a control message proved delivery works).</summary>
    public static async Task<List<MqttReceivedMessage>> DrainAsync(this MqttClient client, TimeSpan window)
    {
        var list = new List<MqttReceivedMessage>();
        using var cts = new CancellationTokenSource(window);
        try
        {
            while (true) list.Add(await client.Messages.ReadAsync(cts.Token));
        }
        catch (OperationCanceledException)
        {
            return list;
        }
    }

    public static string Text(this MqttReceivedMessage message) => Encoding.UTF8.GetString(message.Payload.Span);
}
