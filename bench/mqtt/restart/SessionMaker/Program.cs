using EdgeConductor.Mqtt.Client;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

// Creates (mode "create") N persistent MQTT 5 sessions (session expiry 1 day) with 5 subscriptions each and leaves them
// offline, or (mode "check") reconnects every one of them and counts how many come back with Session Present = 1.
// Usage: SessionMaker PORT N create|check
var port = int.Parse(args[0]);
var count = int.Parse(args[1]);
var check = args[2] == "check";
var present = 0;
var failures = 0;
var next = -1;
var started = DateTime.UtcNow;
await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
{
    while (Interlocked.Increment(ref next) is var i && i < count)
    {
        try
        {
            await using var client = new MqttClient(new MqttClientOptions
            {
                Host = "127.0.0.1", Port = port, ClientId = $"restart-{i}", ProtocolVersion = MqttProtocolVersion.V500,
                CleanStart = false, SessionExpiryInterval = 86_400, ResubscribeOnReconnect = false,
            });
            var ack = await client.ConnectAsync();
            if (ack.SessionPresent) Interlocked.Increment(ref present);
            if (!check)
            {
                var filters = Enumerable.Range(0, 5).Select(f => new MqttTopicSubscription($"bench/{i}/f{f}/#", MqttQualityOfService.AtLeastOnce)).ToList();
                var sub = await client.SubscribeAsync(filters);
                if (sub.ReasonCodes.Any(c => (byte)c >= 0x80)) throw new InvalidOperationException("subscribe refused");
            }
            await client.DisconnectAsync();
        }
        catch (Exception ex)
        {
            if (Interlocked.Increment(ref failures) <= 3) Console.Error.WriteLine(ex.Message);
        }
    }
})));
Console.WriteLine($"{(check ? "checked" : "created")} {count - failures} of {count} sessions in {(DateTime.UtcNow - started).TotalSeconds:F1}s; session present: {present}; failures: {failures}");
