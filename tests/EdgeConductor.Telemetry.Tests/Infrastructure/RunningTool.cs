using System.Diagnostics;
using System.Text;

namespace EdgeConductor.Telemetry.Tests.Infrastructure;

/// <summary>
/// A client process left running while the test acts (a subscriber): its output lines are collected so the test can
/// wait for "subscribed" before publishing, then for the process to finish.
/// </summary>
internal sealed class RunningTool : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly StringBuilder _stderr = new();
    private readonly SemaphoreSlim _changed = new(0);
    private readonly Task _pumpOut;
    private readonly Task _pumpErr;

    private RunningTool(Process process)
    {
        _process = process;
        _pumpOut = PumpAsync(process.StandardOutput, line =>
        {
            lock (_lines) _lines.Add(line);
        });
        _pumpErr = PumpAsync(process.StandardError, line =>
        {
            lock (_stderr) _stderr.Append(line).Append('\n');
        });
    }

    public static RunningTool MosquittoSub(IEnumerable<string> args)
    {
        ExternalTool.RequireMosquitto();
        // mosquitto_sub's stdout is block-buffered on a pipe: line-buffer it so "Subscribed" is seen when it happens.
        return File.Exists("/usr/bin/stdbuf")
            ? new RunningTool(ExternalTool.Start("/usr/bin/stdbuf", ["-oL", "mosquitto_sub", .. args]))
            : new RunningTool(ExternalTool.Start("mosquitto_sub", args));
    }

    public static RunningTool Paho(IEnumerable<string> args)
    {
        ExternalTool.RequirePaho();
        return new RunningTool(ExternalTool.Start(ExternalTool.Python, [ExternalTool.PahoScript, .. args]));
    }

    public IReadOnlyList<string> Lines
    {
        get { lock (_lines) return _lines.ToList(); }
    }

    public string Stderr
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    public string Describe() => $"stdout:\n{string.Join('\n', Lines)}\nstderr:\n{Stderr}";

    private async Task PumpAsync(StreamReader reader, Action<string> add)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            add(line);
            _changed.Release();
        }
        _changed.Release();
    }

    /// <summary>Waits until an output line satisfies <paramref name="match"/>; fails the test with the output otherwise.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var hit = Lines.FirstOrDefault(match);
            if (hit is not null) return hit;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || (_process.HasExited && _pumpOut.IsCompleted && Lines.FirstOrDefault(match) is null))
                throw new Xunit.Sdk.XunitException($"Timed out waiting for {what ?? "a line"}.\n{Describe()}");
            await _changed.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"The client did not exit in time.\n{Describe()}");
        }
        await Task.WhenAll(_pumpOut, _pumpErr);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // exited meanwhile
            }
        }
        try
        {
            await Task.WhenAll(_pumpOut, _pumpErr).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            // the pipes are closed with the process
        }
        _process.Dispose();
        _changed.Dispose();
    }
}
