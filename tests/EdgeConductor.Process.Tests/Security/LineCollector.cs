using System.Diagnostics;

namespace EdgeConductor.Process.Tests.Security;

/// <summary>A client process (mosquitto_sub) left running: its stdout and stderr lines are kept, and a test can await a line.</summary>
internal sealed class LineCollector : IDisposable
{
    private readonly System.Diagnostics.Process _process;
    private readonly List<string> _lines = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LineCollector(string file, IEnumerable<string> args)
    {
        // stdbuf -oL: mosquitto_sub block-buffers stdout on a pipe; line-buffered, "Subscribed" is seen when it happens.
        var psi = File.Exists("/usr/bin/stdbuf") ? new ProcessStartInfo("/usr/bin/stdbuf", ["-oL", file, .. args]) : new ProcessStartInfo(file, args);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        try
        {
            _process = System.Diagnostics.Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"{file} is not installed (apt-get install mosquitto-clients)", ex);
        }
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Text { get { lock (_lines) return string.Join('\n', _lines); } }

    public bool HasExited => _process.HasExited;

    /// <summary>Waits until a line contains <paramref name="fragment"/>; false if the process ends or <paramref name="limit"/> passes first.</summary>
    public async Task<bool> WaitForAsync(string fragment, TimeSpan limit)
    {
        using var cts = new CancellationTokenSource(limit);
        while (true)
        {
            Task changed;
            lock (_lines)
            {
                if (_lines.Any(l => l.Contains(fragment, StringComparison.Ordinal))) return true;
                changed = _changed.Task;
            }
            if (_process.HasExited) { _process.WaitForExit(); lock (_lines) return _lines.Any(l => l.Contains(fragment, StringComparison.Ordinal)); }
            try { await changed.WaitAsync(TimeSpan.FromMilliseconds(500), cts.Token); }
            catch (TimeoutException) { } // re-check HasExited
            catch (OperationCanceledException) { return false; }
        }
    }

    /// <summary>Waits for the process to end (true) or <paramref name="limit"/> to pass (false).</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan limit)
    {
        using var cts = new CancellationTokenSource(limit);
        try { await _process.WaitForExitAsync(cts.Token); return true; }
        catch (OperationCanceledException) { return false; }
    }

    private void Add(string? line)
    {
        if (line is null) return;
        TaskCompletionSource old;
        lock (_lines)
        {
            _lines.Add(line);
            old = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        old.TrySetResult();
    }

    public void Dispose()
    {
        try { if (!_process.HasExited) _process.Kill(); } catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
