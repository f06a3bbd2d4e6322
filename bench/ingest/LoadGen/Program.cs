// Load generator for the end-to-end benchmarks of bench/ingest/run.sh. Each sub-command prints one or more result
// lines of key=value pairs (the first word names the line) that run.sh collects and summarises.
//
//   LoadGen ingest  <http-base> <mqtt-port> <admin-email> <admin-password> [devices=200] [messages=250] [window=4]
//       K devices publish M QoS 1 telemetry messages each (W in flight per device) to the EdgeConductor server; after
//       the last PUBACK it reads every device's history back through the REST API and fails unless every message
//       (seq 0..M-1 of every device, each exactly once) is there. Reports acked and acked+queryable msgs/s.
//   LoadGen broker  <mqtt-port> [devices=200] [messages=250] [window=4]
//       The same publishers against a plain broker (Mosquitto): anonymous, plain client ids, no REST. Reports acked msgs/s.
//   LoadGen query   <http-base> <mqtt-port> <admin-email> <admin-password> [requests=50]
//       Loads 7 days of 5-second readings (120,960) for one device over MQTT with explicit ts, then times history and
//       aggregate requests over them.
//   LoadGen desired <http-base> <mqtt-port> <admin-email> <admin-password> [requests=200]
//       One device subscribed to its desired topic; times PATCH /shadow/desired -> the device receives the publish.
//
// The old form "LoadGen <http-base> <mqtt-port> <email> <password> [devices] [messages] [window]" still runs "ingest".
using EdgeConductor.Bench.Ingest;

if (args.Length > 0 && args[0].StartsWith("http", StringComparison.OrdinalIgnoreCase)) args = ["ingest", .. args];
var mode = args.Length > 0 ? args[0] : "";
var rest = args.Skip(1).ToArray();
int Arg(int i, int fallback) => rest.Length > i ? int.Parse(rest[i], System.Globalization.CultureInfo.InvariantCulture) : fallback;

try
{
    return mode switch
    {
        "ingest" => await IngestBench.RunServerAsync(Target.FromArgs(rest), Arg(4, 200), Arg(5, 250), Arg(6, 4)),
        "broker" => await IngestBench.RunBrokerAsync(Arg(0, 1883), Arg(1, 200), Arg(2, 250), Arg(3, 4)),
        "query" => await QueryBench.RunAsync(Target.FromArgs(rest), Arg(4, 50)),
        "desired" => await DesiredBench.RunAsync(Target.FromArgs(rest), Arg(4, 200)),
        "rulelatency" => await RulesBench.LatencyAsync(Target.FromArgs(rest), Arg(4, 200)),
        _ => Usage(),
    };
}
catch (BenchFailure ex)
{
    Console.Error.WriteLine("FAILED: " + ex.Message);
    return 2;
}

static int Usage()
{
    Console.Error.WriteLine("usage: LoadGen ingest|query|desired <http-base> <mqtt-port> <admin-email> <admin-password> [...] | LoadGen broker <mqtt-port> [devices] [messages] [window]");
    return 64;
}
