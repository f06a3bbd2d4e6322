// Ingest load generator: D simulated devices publish M telemetry messages each over MQTT QoS 1 to an EdgeConductor
// server (each with W messages in flight), and it reports acknowledged msgs/s and PUBACK latency percentiles.
// Every PUBACK means "committed to the database", so this measures durable ingest end to end.
// Usage: LoadGen <http-base> <mqtt-port> <admin-email> <admin-password> [devices=50] [messages=400] [window=8]
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EdgeConductor.Mqtt.Client;
using EdgeConductor.Mqtt.Protocol;

var baseUrl = new Uri(args[0].TrimEnd('/') + "/");
var mqttPort = int.Parse(args[1]);
var (email, password) = (args[2], args[3]);
var devices = args.Length > 4 ? int.Parse(args[4]) : 50;
var messages = args.Length > 5 ? int.Parse(args[5]) : 400;
var window = args.Length > 6 ? int.Parse(args[6]) : 8;

using var http = new HttpClient { BaseAddress = baseUrl };
var login = await (await http.PostAsJsonAsync("api/v1/auth/login", new { email, password })).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("access_token").GetString());
var run = Guid.NewGuid().ToString("N")[..6];
var org = await (await http.PostAsJsonAsync("api/v1/orgs", new { name = "load " + run, plan = "enterprise" })).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
var orgId = org.GetProperty("id").GetString();
var secrets = new List<(string Serial, string Secret)>();
for (var d = 0; d < devices; d++)
{
    var serial = $"LOAD-{run}-{d:D4}";
    var dev = await (await http.PostAsJsonAsync("api/v1/devices/register", new { serial_no = serial, product_type = "EC-CLIMATE-V1", org_id = orgId }))
        .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
    secrets.Add((serial, dev.GetProperty("device_secret").GetString()!));
}

var clients = new List<MqttClient>();
foreach (var (serial, secret) in secrets)
{
    var c = new MqttClient(new MqttClientOptions { Host = "127.0.0.1", Port = mqttPort, ClientId = serial, UserName = serial, Password = Encoding.UTF8.GetBytes(secret) });
    await c.ConnectAsync();
    clients.Add(c);
}

var latencies = new double[devices * messages];
var failures = 0;
var sw = Stopwatch.StartNew();
await Task.WhenAll(clients.Select((c, d) => Task.Run(async () =>
{
    var topic = $"devices/{secrets[d].Serial}/telemetry";
    using var gate = new SemaphoreSlim(window);
    var pending = new List<Task>(messages);
    for (var i = 0; i < messages; i++)
    {
        await gate.WaitAsync();
        var slot = d * messages + i;
        var payload = $"{{\"temp\":{20 + i % 7}.5,\"hum\":{40 + i % 20},\"co2\":{800 + i},\"bat\":4.05,\"signal\":-61,\"seq\":{i}}}";
        pending.Add(Task.Run(async () =>
        {
            var t0 = Stopwatch.GetTimestamp();
            try
            {
                var rc = await c.PublishAsync(topic, payload, MqttQualityOfService.AtLeastOnce);
                if (rc != MqttReasonCode.Success) Interlocked.Increment(ref failures);
            }
            catch (Exception) { Interlocked.Increment(ref failures); }
            finally
            {
                latencies[slot] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                gate.Release();
            }
        }));
    }
    await Task.WhenAll(pending);
})));
sw.Stop();
foreach (var c in clients) await c.DisposeAsync();

Array.Sort(latencies);
double P(double q) => latencies[Math.Min(latencies.Length - 1, (int)(q * latencies.Length))];
var total = devices * messages;
Console.WriteLine($"devices={devices} messages={total} window={window} failures={failures} elapsed_s={sw.Elapsed.TotalSeconds:F2} " +
                  $"acked_msgs_per_s={total / sw.Elapsed.TotalSeconds:F0} p50_ms={P(0.50):F2} p99_ms={P(0.99):F2}");
return failures == 0 ? 0 : 1;
