using System.Diagnostics;
using System.Text;

namespace EdgeConductor.Telemetry.Tests.Infrastructure;

/// <summary>
/// The independent MQTT clients the tests drive: mosquitto_pub/mosquitto_sub (Debian mosquitto-clients) and
/// paho-mqtt under /usr/bin/python3. A missing tool FAILS the test with a message saying how to install it.
/// </summary>
internal static class ExternalTool
{
    public const string Python = "/usr/bin/python3";
    private static readonly Lazy<string?> MosquittoProblem = new(() => Missing("mosquitto_pub", "mosquitto_sub"));
    private static readonly Lazy<string?> PahoProblem = new(CheckPaho);

    public static string PahoScript => Path.Combine(AppContext.BaseDirectory, "Infrastructure", "paho_client.py");

    public static void RequireMosquitto()
    {
        if (MosquittoProblem.Value is { } problem)
            Assert.Fail($"{problem}: these tests need mosquitto-clients (apt-get install -y mosquitto-clients).");
    }

    public static void RequirePaho()
    {
        if (PahoProblem.Value is { } problem)
            Assert.Fail($"{problem}: these tests need paho-mqtt for {Python} (apt-get install -y python3-paho-mqtt).");
    }

    private static string? Missing(params string[] tools)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        foreach (var tool in tools)
            if (!path.Any(dir => File.Exists(Path.Combine(dir, tool)))) return $"'{tool}' is not on PATH";
        return null;
    }

    private static string? CheckPaho()
    {
        if (!File.Exists(Python)) return $"{Python} does not exist";
        var r = RunAsync(Python, ["-c", "import paho.mqtt.client"], TimeSpan.FromSeconds(20)).GetAwaiter().GetResult();
        return r.ExitCode == 0 ? null : $"{Python} cannot import paho.mqtt ({r.Stderr.Trim()})";
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string Output => Stdout + Stderr;
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    public static async Task<Result> RunAsync(string file, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        using var p = Start(file, args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in time:\n{await stdout}\n{await stderr}");
        }
        return new Result(p.ExitCode, await stdout, await stderr);
    }

    public static Task<Result> MosquittoPubAsync(IEnumerable<string> args, TimeSpan? timeout = null)
    {
        RequireMosquitto();
        return RunAsync("mosquitto_pub", args, timeout);
    }

    public static Task<Result> MosquittoSubAsync(IEnumerable<string> args, TimeSpan? timeout = null)
    {
        RequireMosquitto();
        return RunAsync("mosquitto_sub", args, timeout);
    }

    /// <summary>Runs the paho helper to completion.</summary>
    public static Task<Result> PahoAsync(IEnumerable<string> args, TimeSpan? timeout = null)
    {
        RequirePaho();
        return RunAsync(Python, [PahoScript, .. args], timeout);
    }

    internal static Process Start(string file, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}");
    }
}
