using System.Text.Json;
using EdgeConductor.Sdk;
using Spectre.Console;

namespace EdgeConductor.Cli.Infrastructure;

/// <summary>One command's run: the environment, the --json switch, the consoles and the API client.</summary>
internal sealed class CliContext
{
    public const string DefaultUrl = "http://localhost:8080/api/v1";

    public CliContext(CliEnvironment env, bool json)
    {
        Env = env;
        Json = json;
        Console = CreateConsole(env, env.Out);
        ErrorConsole = CreateConsole(env, env.Error);
    }

    public CliEnvironment Env { get; }

    /// <summary>Machine-readable output requested.</summary>
    public bool Json { get; }

    /// <summary>Standard output for tables and messages.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Standard error.</summary>
    public IAnsiConsole ErrorConsole { get; }

    public string ConfigDirectory => Env.ConfigDirectory;

    public string ConfigPath => CliConfig.PathIn(ConfigDirectory);

    /// <summary>The URL used for the last request, for error messages.</summary>
    public string? CurrentUrl { get; private set; }

    /// <summary>Credential and URL: EC_API_KEY / EC_URL win over the config file.</summary>
    public Credentials ResolveCredentials() => Resolve(CliConfig.Load(ConfigDirectory));

    private Credentials Resolve(CliConfig? config)
    {
        var envKey = Env.Variable("EC_API_KEY");
        var envUrl = Env.Variable("EC_URL");
        var url = envUrl ?? config?.Url ?? DefaultUrl;
        var urlSource = envUrl is not null ? "EC_URL" : config?.Url is not null ? ConfigPath : "default";
        if (envKey is not null) return new Credentials(envKey, url, "EC_API_KEY", urlSource, null);
        if (!string.IsNullOrEmpty(config?.ApiKey)) return new Credentials(config.ApiKey, url, ConfigPath, urlSource, null);
        if (config?.RefreshToken is not null) return new Credentials(config.AccessToken, url, ConfigPath, urlSource, config.Email ?? "user");
        return new Credentials(null, url, null, urlSource, null);
    }

    /// <summary>
    /// A client for the logged-in credentials; <see cref="NotLoggedInException"/> if there are none. A user session's
    /// access token is refreshed whenever it is about to expire (and saved), before or during the command.
    /// </summary>
    public EdgeConductorClient CreateClient()
    {
        var config = CliConfig.Load(ConfigDirectory);
        var creds = Resolve(config);
        if (creds.SessionUser is not null && config?.RefreshToken is not null)
            return CreateClient(null, creds.Url, new SessionTokens(this, config, creds.Url).GetAsync);
        if (creds.ApiKey is null) throw new NotLoggedInException();
        return CreateClient(creds.ApiKey, creds.Url);
    }

    public EdgeConductorClient CreateClient(string? apiKey, string url, Func<CancellationToken, ValueTask<string?>>? apiKeyProvider = null)
    {
        var baseUrl = ParseUrl(url);
        CurrentUrl = baseUrl.ToString().TrimEnd('/');
        var options = new EdgeConductorOptions
        {
            ApiKey = apiKey,
            ApiKeyProvider = apiKeyProvider,
            BaseUrl = baseUrl,
            UserAgent = "ec-cli/0.1",
            OnRetry = ReportRetry,
        };
        if (Env.HttpHandler is null) return new EdgeConductorClient(options);
        var http = new HttpClient(Env.HttpHandler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        return new EdgeConductorClient(http, options);
    }

    private void ReportRetry(RetryInfo retry)
    {
        var why = retry.Status == 429 ? "rate limited (429)" : "unavailable (503)";
        Hint($"The server answered {why}; retrying in {Math.Ceiling(retry.Delay.TotalSeconds):0} s (attempt {retry.Attempt})…");
    }

    /// <summary>Accepts <c>host:8080</c>, <c>http://host:8080</c> or the full <c>http://host:8080/api/v1</c>.</summary>
    public static Uri ParseUrl(string url)
    {
        var text = url.Trim();
        if (!text.Contains("://", StringComparison.Ordinal)) text = "http://" + text;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new CliUsageException($"'{url}' is not an http(s) URL. Use e.g. http://localhost:8080/api/v1.");
        return EdgeConductorOptions.NormalizeBaseUrl(uri);
    }

    /// <summary>Writes <paramref name="value"/> as indented snake_case JSON to standard output.</summary>
    public void WriteJson<T>(T value)
    {
        Env.Out.WriteLine(JsonSerializer.Serialize(value, EdgeConductorJson.Indented));
        Env.Out.Flush();
    }

    /// <summary>Writes one compact JSON line (for streams).</summary>
    public void WriteJsonLine<T>(T value)
    {
        Env.Out.WriteLine(JsonSerializer.Serialize(value, EdgeConductorJson.Options));
        Env.Out.Flush();
    }

    public void Success(string markup)
    {
        if (!Json) Console.MarkupLine("[green]✓[/] " + markup);
    }

    public void Info(string markup)
    {
        if (!Json) Console.MarkupLine(markup);
    }

    /// <summary>An error message on standard error (JSON under --json).</summary>
    public void Error(string message, object? json = null)
    {
        if (Json)
        {
            Env.Error.WriteLine(JsonSerializer.Serialize(json ?? new { error = new { detail = message } }, EdgeConductorJson.Options));
            Env.Error.Flush();
        }
        else
        {
            ErrorConsole.MarkupLine("[red]Error:[/] " + Markup.Escape(message));
        }
    }

    public void Hint(string message)
    {
        if (!Json) ErrorConsole.MarkupLine("[grey]" + Markup.Escape(message) + "[/]");
    }

    private static IAnsiConsole CreateConsole(CliEnvironment env, TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = env.Interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = env.Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = env.Interactive ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        if (env.Width is { } w) console.Profile.Width = w;
        else if (!env.Interactive) console.Profile.Width = 160;
        console.Profile.Capabilities.Unicode = true;
        return console;
    }
}
