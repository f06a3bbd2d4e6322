using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EdgeConductor.Mqtt.Client;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Server.Ota;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeConductor.Platform.Tests.Ota;

/// <summary>
/// The real server for OTA tests: the OTA worker looks at jobs every 100 ms (instead of 5 s) and a device is sent an update
/// at most twice; everything else is production behaviour. Tests move <see cref="EcServer.Clock"/> for timeouts.
/// </summary>
public class OtaServerFixture : IAsyncLifetime
{
    internal EcServer Server { get; private set; } = null!;

    protected virtual Task<string?> DatabaseAsync() => Task.FromResult<string?>(null);

    public async Task InitializeAsync()
    {
        Server = new EcServer(postgres: await DatabaseAsync(), services: s =>
        {
            s.RemoveAll<OtaOptions>();
            s.AddSingleton(new OtaOptions { WorkerInterval = TimeSpan.FromMilliseconds(100), MaxAttempts = 2, MaxFirmwareBytes = 4 * 1024 * 1024 });
        }).Start();
    }

    public virtual async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>The same on a fresh database of the shared throwaway PostgreSQL cluster.</summary>
public sealed class PostgresOtaServerFixture : OtaServerFixture
{
    private string? _connectionString;

    protected override async Task<string?> DatabaseAsync()
    {
        var pg = await EdgeConductor.Testing.PostgresTestServer.GetAsync();
        return _connectionString = await pg.CreateDatabaseAsync("ota");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_connectionString is not null) await (await EdgeConductor.Testing.PostgresTestServer.GetAsync()).DropDatabaseAsync(_connectionString);
    }
}

[CollectionDefinition(Name)]
public sealed class OtaCollection : ICollectionFixture<OtaServerFixture>
{
    public const string Name = "ota";
}

[CollectionDefinition(Name)]
public sealed class PostgresOtaCollection : ICollectionFixture<PostgresOtaServerFixture>
{
    public const string Name = "ota-postgres";
}

/// <summary>Helpers: devices with a product type and version, uploads, pushes, MQTT devices, status reports, downloads.</summary>
internal static class OtaKit
{
    public const string Type = "tracker";

    public static async Task<TestDevice> DeviceAsync(TestOrg org, string fwVersion = "1.0.0", string productType = Type)
    {
        var serial = $"EC-OTA-{Guid.NewGuid().ToString("N")[..10].ToUpperInvariant()}";
        var created = await org.Http.PostJsonAsync("devices/register", new { serial_no = serial, product_type = productType, fw_version = fwVersion }, HttpStatusCode.Created);
        return new TestDevice(serial, created["device_secret"]!.GetValue<string>(), org);
    }

    public static byte[] Firmware(int size, int seed = 1)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static Task<HttpResponseMessage> UploadRawAsync(HttpClient http, string orgId, byte[] file, string version, string productType = Type,
        string? signature = null)
    {
        var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, "file", "firmware.bin");
        form.Add(new StringContent(version), "version");
        form.Add(new StringContent(productType), "product_type");
        if (signature is not null) form.Add(new StringContent(signature), "signature");
        return http.PostAsync($"orgs/{orgId}/firmware", form);
    }

    public static Task<JsonNode> UploadAsync(TestOrg org, byte[] file, string version, string productType = Type, string? signature = null) =>
        UploadRawAsync(org.Http, org.Id, file, version, productType, signature).ExpectAsync(HttpStatusCode.Created);

    public static Task<JsonNode> PushAsync(TestDevice d, string firmwareId, bool? allowDowngrade = null) =>
        d.Org.Http.PostJsonAsync($"devices/{d.Serial}/ota", new { firmware_id = firmwareId, allow_downgrade = allowDowngrade }, HttpStatusCode.Accepted);

    public static Task<JsonNode> JobAsync(TestOrg org, string jobId) => org.GetAsync($"ota-jobs/{jobId}?devices=true");

    /// <summary>The device's state in the job, polled until <paramref name="done"/> holds (or 10 s pass).</summary>
    public static async Task<JsonNode> DeviceStateAsync(TestOrg org, string jobId, string serial, Func<string, bool> done)
    {
        return await Eventually.ValueAsync(async () =>
        {
            var job = await JobAsync(org, jobId);
            return job["devices"]!.AsArray().Single(x => x!["serial"]!.GetValue<string>() == serial)!;
        }, n => done(n["state"]!.GetValue<string>()), TimeSpan.FromSeconds(15));
    }

    /// <summary>
    /// A device on our MQTT client, subscribed to devices/{serial}/ota. Keep-alive is off: the broker checks keep-alive on
    /// the server clock, which timeout tests move by minutes (with keep-alive on, the sweep would drop the device).
    /// </summary>
    public static async Task<MqttClient> MqttDeviceAsync(TestDevice d, bool subscribe = true, EcServer? server = null)
    {
        var client = new MqttClient(new MqttClientOptions
        {
            Port = (server ?? d.Org.Server).MqttPort, ClientId = d.Serial, UserName = d.Serial, Password = Encoding.UTF8.GetBytes(d.Secret),
            ProtocolVersion = MqttProtocolVersion.V500, KeepAliveSeconds = 0,
        });
        await client.ConnectAsync();
        if (subscribe) Assert.True((int)await client.SubscribeAsync(d.Topic("ota"), MqttQualityOfService.AtLeastOnce) < 0x80);
        return client;
    }

    /// <summary>The next message on devices/{serial}/ota.</summary>
    public static async Task<JsonNode> NextOtaMessageAsync(MqttClient client, TestDevice d)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            var m = await client.Messages.ReadAsync(timeout.Token);
            if (m.Topic == d.Topic("ota")) return JsonNode.Parse(m.Payload.Span)!;
        }
    }

    public static Task<MqttReasonCode> ReportAsync(MqttClient client, TestDevice d, object status) =>
        client.PublishAsync(d.Topic("ota/status"), JsonSerializerString(status), MqttQualityOfService.AtLeastOnce);

    public static string JsonSerializerString(object o) => System.Text.Json.JsonSerializer.Serialize(o);

    public static string Sha256(byte[] b) => Convert.ToHexStringLower(SHA256.HashData(b));

    /// <summary>GET of a download URL as a device does (no Authorization header).</summary>
    public static async Task<HttpResponseMessage> GetAsync(string url, Action<HttpRequestMessage>? configure = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var req = new HttpRequestMessage(HttpMethod.Get, url);
        configure?.Invoke(req);
        return await http.SendAsync(req);
    }
}
