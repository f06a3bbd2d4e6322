using System.IO.Pipelines;
using System.Text;
using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Client;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeConductor.Server.Tests.Security;

/// <summary>
/// Logs never hold credentials: request URLs are logged with secret query parameters masked, and refused MQTT
/// CONNECTs log the client id and the reason, never the user name's password or the API key. The server's whole log is
/// captured at Debug level (every category) and searched.
/// </summary>
public sealed class LogRedactionTests
{
    [Theory]
    [InlineData("api_key")]
    [InlineData("token")]
    [InlineData("access_token")]
    [InlineData("refresh_token")]
    [InlineData("secret")]
    [InlineData("password")]
    [InlineData("pass")]
    [InlineData("pw")]
    [InlineData("jwt")]
    [InlineData("bearer")]
    [InlineData("credential")]
    [InlineData("session")]
    public async Task RequestWithSecretInQuery_IsLogged_WithTheValueMasked(string parameter)
    {
        await using var server = await LogCapturingServer.StartCapturingAsync();
        var secret = "S3cr3t-" + Guid.NewGuid().ToString("N");
        using var c = server.Api.Client(null);
        await c.GetAsync($"{EcApi.Base}/devices?{parameter}={secret}&limit=5");

        var log = server.Log.All;
        Assert.Contains($"/api/v1/devices?{parameter}=***&limit=5", log); // the request itself is logged…
        Assert.DoesNotContain(secret, log);                                 // …its secret is not
    }

    [Fact]
    public void Redact_MasksOnlyCredentialParameters_KeepingOrderAndNames()
    {
        Assert.Equal("?limit=5&API_KEY=***&x=1&access_token=***&client_secret=***&status=online",
            QueryRedaction.Redact("?limit=5&API_KEY=abc&x=1&access_token=t&client_secret=s&status=online"));
        Assert.Equal("", QueryRedaction.Redact(""));
        Assert.Equal("?flag", QueryRedaction.Redact("?flag"));
    }

    [Fact]
    public async Task RefusedMqttConnect_LogsClientAndReason_NeverThePasswordOrApiKey()
    {
        await using var server = await LogCapturingServer.StartCapturingAsync();
        var broker = server.Services.GetRequiredService<MqttBroker>();
        var devicePassword = "dev-pass-" + Guid.NewGuid().ToString("N");
        var apiKey = "ec_live_" + Guid.NewGuid().ToString("N");

        var deviceRc = await ConnectAsync(broker, "log-probe-device", "EC-NO-SUCH-DEVICE", devicePassword);
        var keyRc = await ConnectAsync(broker, "log-probe-key", "service", apiKey);

        Assert.Equal(MqttReasonCode.BadUserNameOrPassword, deviceRc);
        Assert.Equal(MqttReasonCode.BadUserNameOrPassword, keyRc);
        var log = server.Log.All;
        Assert.Contains("log-probe-device", log); // the refusals are logged…
        Assert.Contains("log-probe-key", log);
        Assert.DoesNotContain(devicePassword, log); // …without the credentials
        Assert.DoesNotContain(apiKey, log);
        Assert.DoesNotContain(apiKey["ec_live_".Length..], log);
    }

    /// <summary>CONNECT over an in-memory pipe straight into the server's broker; the CONNACK reason.</summary>
    private static async Task<MqttReasonCode> ConnectAsync(MqttBroker broker, string clientId, string user, string password)
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        var serverSide = new DuplexPipe(toServer.Reader, toClient.Writer);
        var run = broker.RunConnectionAsync(serverSide, new MqttConnectionInfo(null, false, "test"));
        await using var client = new MqttClient(new MqttClientOptions
        {
            ClientId = clientId, UserName = user, Password = Encoding.UTF8.GetBytes(password), ProtocolVersion = MqttProtocolVersion.V500,
            TransportFactory = _ => ValueTask.FromResult<IDuplexPipe>(new DuplexPipe(toClient.Reader, toServer.Writer)),
        });
        MqttReasonCode rc;
        try
        {
            rc = (await client.ConnectAsync()).ReasonCode;
        }
        catch (MqttClientException ex)
        {
            rc = ex.ReasonCode;
        }
        await run.WaitAsync(TimeSpan.FromSeconds(30));
        return rc;
    }

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
