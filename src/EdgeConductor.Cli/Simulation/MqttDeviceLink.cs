using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeConductor.Mqtt.Client;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Cli.Simulation;

/// <summary>
/// A WiFi device on MQTT (seed 000 "MQTT Topics"): username = serial, password = device secret; subscribes to
/// <c>devices/{serial}/shadow/desired</c>, <c>/commands</c> and <c>/ota</c>; publishes at QoS 1 to <c>/telemetry</c>,
/// <c>/shadow/reported</c>, <c>/commands/ack</c> and <c>/ota/status</c>. A PUBACK below 0x80 is an acknowledgement.
/// </summary>
internal sealed class MqttDeviceLink(string host, int port, string serial, string secret, TimeProvider time) : DeviceLink
{
    private readonly string _prefix = "devices/" + serial + "/";
    private MqttClient? _client;

    public override bool Connected => _client?.IsConnected == true;

    public override bool ConfirmsThroughTelemetry => false;

    public override async Task ConnectAsync(CancellationToken ct)
    {
        if (_client is { } old) await old.DisposeAsync();
        var client = new MqttClient(new MqttClientOptions
        {
            Host = host,
            Port = port,
            ClientId = serial,
            UserName = serial,
            Password = Encoding.UTF8.GetBytes(secret),
            ProtocolVersion = MqttProtocolVersion.V500,
            CleanStart = true,
            KeepAliveSeconds = 60,
            ReceiveQueueCapacity = 64,
            TimeProvider = time,
        });
        client.MessageReceived = m =>
        {
            try
            {
                Dispatch(m);
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException)
            {
                // a member of an unexpected type: the firmware ignores the message
            }
            return ValueTask.CompletedTask;
        };
        _client = client;
        try
        {
            await client.ConnectAsync(ct);
            var granted = await client.SubscribeAsync(
            [
                new(_prefix + "shadow/desired", MqttQualityOfService.AtLeastOnce),
                new(_prefix + "commands", MqttQualityOfService.AtLeastOnce),
                new(_prefix + "ota", MqttQualityOfService.AtLeastOnce),
            ], cancellationToken: ct);
            if (granted.ReasonCodes.Any(c => (byte)c >= 0x80))
                throw new SimulatedLinkException($"{serial}: subscription refused ({string.Join(", ", granted.ReasonCodes)}).");
        }
        catch (MqttClientException ex)
        {
            throw new SimulatedLinkException($"{serial}: MQTT connect failed: {ex.Message}", ex);
        }
    }

    private void Dispatch(MqttReceivedMessage m)
    {
        if (!m.Topic.StartsWith(_prefix, StringComparison.Ordinal)) return;
        JsonObject? body;
        try
        {
            body = JsonNode.Parse(m.Payload.Span) as JsonObject;
        }
        catch (JsonException)
        {
            return; // the firmware ignores what it cannot parse
        }
        if (body is null) return;
        switch (m.Topic[_prefix.Length..])
        {
            case "shadow/desired":
                Receive(new DesiredMessage(body, null));
                break;
            case "commands":
                if (body["id"]?.GetValue<string>() is { } id && body["cmd"]?.GetValue<string>() is { } cmd)
                    Receive(new CommandMessage(id, cmd, body));
                break;
            case "ota":
                if (body["url"]?.GetValue<string>() is { } url && body["version"]?.GetValue<string>() is { } version)
                    Receive(new OtaMessage(url, version, body["sha256"]?.GetValue<string>(), body["size"]?.GetValue<long>(), body["job_id"]?.GetValue<string>()));
                break;
        }
    }

    private async Task<bool> PublishAsync(string suffix, JsonNode payload, CancellationToken ct)
    {
        var client = _client ?? throw new SimulatedLinkException("not connected");
        try
        {
            var code = await client.PublishAsync(_prefix + suffix, Encoding.UTF8.GetBytes(payload.ToJsonString()), MqttQualityOfService.AtLeastOnce,
                cancellationToken: ct);
            return (byte)code < 0x80;
        }
        catch (MqttClientException ex)
        {
            throw new SimulatedLinkException($"publish to {suffix} failed: {ex.Message}", ex);
        }
    }

    public override Task<bool> SendTelemetryAsync(JsonNode payload, CancellationToken ct) => PublishAsync("telemetry", payload, ct);

    public override Task ReportStateAsync(JsonObject state, CancellationToken ct) => PublishAsync("shadow/reported", state, ct);

    public override Task AckCommandAsync(string id, string status, string? result, CancellationToken ct) =>
        PublishAsync("commands/ack", HttpDeviceLink.AckBody(id, status, result), ct);

    public override Task ReportOtaAsync(JsonObject status, CancellationToken ct) => PublishAsync("ota/status", status, ct);

    public override async Task DisconnectAsync(bool graceful)
    {
        if (_client is not { } client) return;
        _client = null;
        if (graceful) await client.DisconnectAsync();
        else await client.AbortAsync();
        await client.DisposeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        if (_client is { } client)
        {
            _client = null;
            await client.DisposeAsync();
        }
    }
}
