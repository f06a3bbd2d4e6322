using System.Collections;

namespace EdgeConductor.Cli;

/// <summary>
/// Everything the CLI takes from its surroundings: consoles, environment variables, folders and the HTTP stack.
/// The real process uses <see cref="FromProcess"/>; tests build one with writers, temp folders and a test server's handler.
/// </summary>
public sealed class CliEnvironment
{
    /// <summary>Standard output: tables, JSON.</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Standard error: error messages, hints.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Standard input, read by <c>ec login</c> when it prompts on a non-interactive console.</summary>
    public TextReader In { get; init; } = TextReader.Null;

    /// <summary>Environment variables (EC_API_KEY, EC_URL, EC_CONFIG_DIR, HOME).</summary>
    public IReadOnlyDictionary<string, string?> Variables { get; init; } = new Dictionary<string, string?>();

    /// <summary>Where relative output (manufacture_output/) goes.</summary>
    public string WorkingDirectory { get; init; } = Directory.GetCurrentDirectory();

    /// <summary>When set, every request goes through this handler (tests: a test server's handler).</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>A person at a terminal: prompts, colours, live views and progress bars. False gives plain line output.</summary>
    public bool Interactive { get; init; }

    /// <summary>Standard input is a terminal: a secret typed at a plain prompt is read without echo.</summary>
    public bool InputIsTerminal { get; init; }

    /// <summary>Console width for tables; null detects it.</summary>
    public int? Width { get; init; }

    /// <summary>The clock (file time stamps).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Hook Ctrl+C / SIGTERM (the real process only).</summary>
    public bool HandleProcessTermination { get; init; }

    /// <summary>The variable's value, or null when unset or empty.</summary>
    public string? Variable(string name) => Variables.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v) ? v : null;

    /// <summary>The folder of config.json: EC_CONFIG_DIR, else $HOME/.ec, else the user profile's .ec.</summary>
    public string ConfigDirectory =>
        Variable("EC_CONFIG_DIR")
        ?? Path.Combine(Variable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ec");

    /// <summary>The environment of this process.</summary>
    public static CliEnvironment FromProcess()
    {
        var vars = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables()) vars[(string)e.Key] = e.Value as string;
        return new CliEnvironment
        {
            Out = Console.Out,
            Error = Console.Error,
            In = Console.In,
            Variables = vars,
            InputIsTerminal = !Console.IsInputRedirected,
            Interactive = !Console.IsOutputRedirected && !Console.IsInputRedirected && vars.GetValueOrDefault("CI") is null or "" or "false",
            HandleProcessTermination = true,
        };
    }
}
