namespace EdgeConductor.Telemetry.Tests.Infrastructure;

/// <summary>Argument lists for mosquitto_pub / mosquitto_sub against the test server.</summary>
internal static class Mosquitto
{
    public static string Version(int v) => v == 5 ? "mqttv5" : "mqttv311";

    /// <summary>Connection arguments (plain TCP listener) with optional credentials.</summary>
    public static List<string> Connect(EcServer server, string? user, string? password, int version = 311)
    {
        var args = new List<string> { "-h", "127.0.0.1", "-p", server.MqttPort.ToString(), "-V", Version(version) };
        if (user is not null) args.AddRange(["-u", user]);
        if (password is not null) args.AddRange(["-P", password]);
        return args;
    }

    public static List<string> As(TestDevice device, int version = 311) => Connect(device.Org.Server, device.Serial, device.Secret, version);

    /// <summary>mosquitto_pub -d of one message; -d prints the PUBACK reason code ("RC:153").</summary>
    public static Task<ExternalTool.Result> PublishAsync(List<string> connect, string topic, string payload, int qos = 1) =>
        ExternalTool.MosquittoPubAsync([.. connect, "-d", "-t", topic, "-m", payload, "-q", qos.ToString()]);

    public static Task<ExternalTool.Result> PublishAsync(TestDevice device, string tail, string payload, int qos = 1, int version = 311) =>
        PublishAsync(As(device, version), device.Topic(tail), payload, qos);

    /// <summary>A mosquitto_sub left running: -d (prints "Subscribed (mid: n): rc"), -v (topic then payload).</summary>
    public static RunningTool Subscribe(List<string> connect, IEnumerable<string> topics, int count, int timeoutSeconds = 15, int qos = 1, params string[] extra)
    {
        var args = new List<string>(connect) { "-d", "-v", "-q", qos.ToString(), "-C", count.ToString(), "-W", timeoutSeconds.ToString() };
        foreach (var t in topics) args.AddRange(["-t", t]);
        args.AddRange(extra);
        return RunningTool.MosquittoSub(args);
    }
}
