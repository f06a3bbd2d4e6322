using System.Runtime.InteropServices;
using System.Diagnostics;
using System.Net;
using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Transport;

// Standalone broker host for interop tests and benchmarks.
// Usage: BrokerHost [--port 1883] [--bind 127.0.0.1] [--max-queued 1000] [--stats-file path]
var port = 1883;
var bind = IPAddress.Loopback;
var maxQueued = 1000;
string? statsFile = null;
for (var i = 0; i < args.Length - 1; i++)
{
    switch (args[i])
    {
        case "--port": port = int.Parse(args[++i]); break;
        case "--bind": bind = IPAddress.Parse(args[++i]); break;
        case "--max-queued": maxQueued = int.Parse(args[++i]); break;
        case "--stats-file": statsFile = args[++i]; break;
    }
}

var options = new MqttBrokerOptions
{
    MaxQueuedMessages = maxQueued,
    OnError = (ex, context) => Console.Error.WriteLine($"[{context}] {ex}"),
};
await using var broker = new MqttBroker(options);
await using var listener = new MqttTcpListener(broker, new IPEndPoint(bind, port), backlog: 16384);
listener.Start();
Console.WriteLine($"listening on {listener.LocalEndPoint}");

using var shutdown = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; shutdown.Cancel(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => shutdown.Cancel();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; shutdown.Cancel(); });

// "stats" on stdin prints memory + counters (used by the idle-connection benchmark).
_ = Task.Run(async () =>
{
    string? line;
    while ((line = await Console.In.ReadLineAsync()) is not null)
    {
        if (line.Trim() == "stats")
        {
            PrintStats(forceGc: true);
        }
    }
});

try
{
    await Task.Delay(Timeout.Infinite, shutdown.Token);
}
catch (OperationCanceledException)
{
}

PrintStats(forceGc: false);

void PrintStats(bool forceGc)
{
    if (forceGc)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    var process = Process.GetCurrentProcess();
    process.Refresh();
    var s = broker.GetStatistics();
    var text = $"stats connections={s.ConnectedClients} tcp={listener.ConnectionCount} heap={GC.GetTotalMemory(false)} ws={process.WorkingSet64} " +
               $"in={s.MessagesReceived} out={s.MessagesSent} dropped={s.MessagesDropped}";
    Console.WriteLine(text);
    if (statsFile is not null)
    {
        File.AppendAllText(statsFile, text + Environment.NewLine);
    }
}
