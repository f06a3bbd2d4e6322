using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeConductor.Server.Tests.Security;

/// <summary>Every log line the server writes (all categories, Debug and up), rendered as the console would show it.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public string All => string.Join('\n', _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
    }
}

/// <summary>The real server (in memory) with its log captured at Debug level in <see cref="Log"/>.</summary>
public sealed class LogCapturingServer(EcServerOptions options) : EcServerFactory(options)
{
    public LogCapture Log { get; } = new();

    public static async Task<LogCapturingServer> StartCapturingAsync(EcServerOptions? options = null)
    {
        var s = new LogCapturingServer(options ?? new EcServerOptions());
        await s.InitializeAsync();
        return s;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(l =>
        {
            l.SetMinimumLevel(LogLevel.Debug);
            l.AddProvider(Log);
        });
    }
}
