using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EdgeConductor.Process.Tests;

/// <summary>
/// The real server binary as a separate OS process (not in-process), so a test can kill -9 it and start it again
/// on the same data directory.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    public const string AdminEmail = "admin@process.test";
    public const string AdminPassword = "process-test-password";

    private System.Diagnostics.Process? _process;
    private readonly List<string> _output = [];

    private readonly string _synchronous;

    private readonly IReadOnlyDictionary<string, string> _environment;

    /// <param name="environment">Extra settings (EC_* variables) for the server process.</param>
    public ServerProcess(string dataDir, string synchronous = "full", IReadOnlyDictionary<string, string>? environment = null)
    {
        DataDir = dataDir;
        _synchronous = synchronous;
        _environment = environment ?? new Dictionary<string, string>();
        (HttpPort, MqttPort) = (EdgeConductor.Testing.TestPorts.Free(), EdgeConductor.Testing.TestPorts.Free());
    }

    public string DataDir { get; }
    public int HttpPort { get; }
    public int MqttPort { get; }
    public Uri BaseUri => new($"http://127.0.0.1:{HttpPort}/");

    public string Output { get { lock (_output) return string.Join('\n', _output.TakeLast(80)); } }

    public async Task StartAsync()
    {
        var psi = new ProcessStartInfo("dotnet", [ServerDll()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{HttpPort}";
        psi.Environment["EC_DATA_DIR"] = DataDir;
        psi.Environment["EC_DATABASE"] = "";
        psi.Environment["EC_SQLITE_SYNCHRONOUS"] = _synchronous;
        psi.Environment["EC_MQTT_PORT"] = MqttPort.ToString();
        psi.Environment["EC_MQTTS_PORT"] = "0";
        psi.Environment["EC_MQTT_BIND"] = "127.0.0.1";
        psi.Environment["EC_ADMIN_EMAIL"] = AdminEmail;
        psi.Environment["EC_ADMIN_PASSWORD"] = AdminPassword;
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in _environment) psi.Environment[name] = value;
        _process = System.Diagnostics.Process.Start(psi) ?? throw new InvalidOperationException("Could not start the server.");
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The server exited with {_process.ExitCode}:\n{Output}");
            try
            {
                if ((await http.GetAsync("ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"The server did not become ready:\n{Output}");
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing — what a power cut or OOM kill looks like to the process.</summary>
    public void KillHard()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM, as systemd, Docker and Kubernetes stop a service: the server runs its shutdown sequence.</summary>
    public void Terminate() => Signal("TERM");

    /// <summary>Sends the signal <paramref name="name"/> (kill -NAME: TERM, HUP, …) to the server process.</summary>
    public void Signal(string name)
    {
        if (_process is null || _process.HasExited) return;
        using var kill = System.Diagnostics.Process.Start("kill", ["-" + name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill!.WaitForExit();
    }

    /// <summary>The exit code once the process has exited, or null if it is still running after <paramref name="limit"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan limit)
    {
        if (_process is null) throw new InvalidOperationException("Not started.");
        using var cts = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        KillHard();
        _process?.Dispose();
        await Task.CompletedTask;
    }

    /// <summary>src/EdgeConductor.Server/bin/{Configuration}/net10.0/EdgeConductor.Server.dll, built by the project reference.</summary>
    private static string ServerDll()
    {
        var here = AppContext.BaseDirectory; // …/tests/EdgeConductor.Process.Tests/bin/{Configuration}/net10.0/
        var tfm = new DirectoryInfo(here.TrimEnd('/'));
        var configuration = tfm.Parent!.Name;
        var dir = tfm;
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EdgeConductor.slnx"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("Cannot find the repository root (EdgeConductor.slnx) above " + here);
        var dll = Path.Combine(dir.FullName, "src", "EdgeConductor.Server", "bin", configuration, tfm.Name, "EdgeConductor.Server.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the server first", dll);
    }
}
