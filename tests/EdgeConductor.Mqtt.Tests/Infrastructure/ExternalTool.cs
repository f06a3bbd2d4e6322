using System.Diagnostics;
using System.Text;

namespace EdgeConductor.Mqtt.Tests.Infrastructure;

/// <summary>
/// Runs interop tools (mosquitto clients, /usr/bin/python3 + paho). A missing tool FAILS the test with an install hint:
/// interop coverage is never silently skipped.
/// </summary>
internal static class ExternalTool
{
    public static string Require(string path, string installHint)
    {
        var resolved = path.Contains('/') ? path : Which(path);
        if (resolved is null || !File.Exists(resolved))
        {
            Assert.Fail($"Required interop tool '{path}' is missing. Install it: {installHint}");
        }

        return resolved!;
    }

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    public static Process Start(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("Cannot start " + file);
    }

    /// <summary>Runs to completion; returns exit code and combined output. Kills and fails on timeout.</summary>
    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(TimeSpan timeout, string file, params string[] args)
    {
        using var process = Start(file, args);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', args)} timed out after {timeout}. Output: {await stdout} {await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    public static string Describe(string stdout, string stderr)
    {
        var sb = new StringBuilder();
        sb.Append("stdout: ").AppendLine(stdout).Append("stderr: ").AppendLine(stderr);
        return sb.ToString();
    }
}
