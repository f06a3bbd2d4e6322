using System.Diagnostics;

namespace EdgeConductor.Cli.Tests.Cli;

/// <summary>The real executable in a child process: Program.Main, the process environment, exit codes.</summary>
public sealed class ProcessTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "ec-proc-" + Guid.NewGuid().ToString("N"));

    public ProcessTests() => Directory.CreateDirectory(_home);

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ec.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = _home;
        psi.Environment.Remove("EC_API_KEY");
        psi.Environment.Remove("EC_URL");
        psi.Environment.Remove("EC_CONFIG_DIR");
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Help_Exit0()
    {
        var (code, stdout, _) = await RunAsync("--help");

        Assert.Equal(0, code);
        Assert.Contains("manufacture", stdout);
    }

    [Fact]
    public async Task UnknownCommand_Exit2()
    {
        var (code, _, stderr) = await RunAsync("frobnicate");

        Assert.Equal(2, code);
        Assert.Contains("frobnicate", stderr);
    }

    [Fact]
    public async Task NotLoggedIn_Exit2_UsesHomeFromTheEnvironment()
    {
        var (code, _, stderr) = await RunAsync("whoami");

        Assert.Equal(2, code);
        Assert.Contains("Not logged in", stderr);
    }
}
