using System.Text.Json;

namespace EdgeConductor.Cli.Tests.Infrastructure;

/// <summary>The outcome of one in-process <c>ec</c> run.</summary>
public sealed record CliResult(int ExitCode, string Out, string Err)
{
    public JsonElement Json()
    {
        try
        {
            using var doc = JsonDocument.Parse(Out);
            return doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new Xunit.Sdk.XunitException($"stdout is not JSON ({ex.Message}):\n{Out}\nstderr:\n{Err}");
        }
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Err}";
}

/// <summary>Runs <c>ec</c> in-process against the test server, with its own config folder and working folder.</summary>
public sealed class CliHarness : IDisposable
{
    private readonly ServerFixture _server;

    public CliHarness(ServerFixture server)
    {
        _server = server;
        Root = Path.Combine(Path.GetTempPath(), "ec-cli-run-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(WorkDir);
        Directory.CreateDirectory(Home);
    }

    public string Root { get; }
    public string Home => Path.Combine(Root, "home");
    public string WorkDir => Path.Combine(Root, "work");
    public string ConfigDir => Path.Combine(Home, ".ec");
    public string ConfigFile => Path.Combine(ConfigDir, "config.json");

    /// <summary>Environment variables for the next runs (HOME is always the harness's own).</summary>
    public Dictionary<string, string?> Variables { get; } = new();

    public async Task<CliResult> RunAsync(string[] args, string? stdin = null, CancellationToken ct = default, TextWriter? outWriter = null)
    {
        var vars = new Dictionary<string, string?>(Variables) { ["HOME"] = Home };
        var output = outWriter ?? new StringWriter();
        var error = new StringWriter();
        var env = new CliEnvironment
        {
            Out = output,
            Error = error,
            In = new StringReader(stdin ?? ""),
            Variables = vars,
            WorkingDirectory = WorkDir,
            HttpHandler = _server.Handler(),
            Interactive = false,
            Width = 200,
        };
        var code = await EcCli.RunAsync(args, env, ct);
        string text;
        lock (output) text = outWriter is null ? output.ToString()! : "";
        return new CliResult(code, text, error.ToString());
    }

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(args, null);

    /// <summary>Logs in through the environment, as CI would.</summary>
    public CliHarness WithKey(string apiKey)
    {
        Variables["EC_API_KEY"] = apiKey;
        Variables["EC_URL"] = ServerFixture.ApiUrl.ToString();
        return this;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
