using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using EdgeConductor.Mqtt.Client;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Tests.Infrastructure;

/// <summary>
/// A real Mosquitto broker (Debian package <c>mosquitto</c>) on a free loopback port with a small config of its own
/// (anonymous, no persistence), so our MQTT client is tested against an independent broker and not only our own.
/// Stopped (killed) and its folder removed on dispose. A missing broker FAILS the test with an install hint.
/// </summary>
internal sealed class MosquittoBroker : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dir;
    private readonly List<MqttClient> _clients = [];

    private MosquittoBroker(Process process, string dir, int port)
    {
        _process = process;
        _dir = dir;
        Port = port;
    }

    /// <summary>The loopback port Mosquitto listens on.</summary>
    public int Port { get; }

    /// <summary>Starts Mosquitto and returns once it accepts TCP connections.</summary>
    public static async Task<MosquittoBroker> StartAsync()
    {
        var exe = ExternalTool.Require(File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto", "apt-get install -y mosquitto");
        var dir = Path.Combine(Path.GetTempPath(), "ec-mosquitto-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var port = FreePort();
        var config = Path.Combine(dir, "mosquitto.conf");
        await File.WriteAllTextAsync(config, $"""
            listener {port} 127.0.0.1
            allow_anonymous true
            persistence false
            log_dest stderr
            log_type error
            log_type warning
            max_queued_messages 1000

            """);
        var process = ExternalTool.Start(exe, "-c", config);
        var broker = new MosquittoBroker(process, dir, port);
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            // Ready = accepts a TCP connection; fail at once (with its output) if it exited instead.
            using var cts = new CancellationTokenSource(TestExtensions.DefaultTimeout);
            while (true)
            {
                if (process.HasExited)
                {
                    Assert.Fail($"mosquitto exited with {process.ExitCode}: {await stderr}");
                }

                try
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync(IPAddress.Loopback, port, cts.Token);
                    return broker;
                }
                catch (SocketException)
                {
                    await Task.Delay(20, cts.Token);
                }
            }
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>One of our clients for this broker, disconnected on dispose.</summary>
    public MqttClient CreateClient(string clientId, MqttProtocolVersion version, Action<MqttClientOptions>? configure = null)
    {
        var options = new MqttClientOptions { Port = Port, ClientId = clientId, ProtocolVersion = version, KeepAliveSeconds = 60 };
        configure?.Invoke(options);
        var client = new MqttClient(options);
        _clients.Add(client);
        return client;
    }

    /// <summary>Creates and connects one of our clients.</summary>
    public async Task<MqttClient> ConnectAsync(string clientId, MqttProtocolVersion version, Action<MqttClientOptions>? configure = null)
    {
        var client = CreateClient(clientId, version, configure);
        await client.ConnectAsync();
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
