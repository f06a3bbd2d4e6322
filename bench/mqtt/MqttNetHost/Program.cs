using MQTTnet.Server;

// MQTTnet 5.2 broker at its defaults, for the fan-in comparison (bench/mqtt/fanin.sh). Usage: MqttNetHost --port 18833
var port = 1883;
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--port")
    {
        port = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
    }
}

var options = new MqttServerOptionsBuilder().WithDefaultEndpoint().WithDefaultEndpointPort(port).Build();
using var server = new MqttServerFactory().CreateMqttServer(options);
await server.StartAsync();
Console.WriteLine($"MQTTnet {typeof(MqttServer).Assembly.GetName().Version} listening on {port}");
var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.TrySetResult();
await stop.Task;
await server.StopAsync();
