using System.Net;
using System.Text;

namespace EdgeConductor.Cli.Tests.Infrastructure;

/// <summary>Answers requests from a queue of canned responses and records what it was sent.</summary>
public sealed class StubHandler : HttpMessageHandler
{
    private readonly Queue<Func<HttpResponseMessage>> _responses = new();

    public List<HttpRequestMessage> Requests { get; } = [];

    public StubHandler Respond(HttpStatusCode status, string body = "{}", string contentType = "application/json", Action<HttpResponseMessage>? configure = null)
    {
        _responses.Enqueue(() =>
        {
            var r = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, contentType) };
            configure?.Invoke(r);
            return r;
        });
        return this;
    }

    /// <summary>The next request fails as if the server could not be reached.</summary>
    public StubHandler Unreachable()
    {
        _responses.Enqueue(() => throw new HttpRequestException("Connection refused (stub)"));
        return this;
    }

    public StubHandler Problem(int status, string code, string detail, int? retryAfterSeconds = null) =>
        Respond((HttpStatusCode)status, $$"""{"status":{{status}},"title":"t","detail":"{{detail}}","code":"{{code}}"}""", "application/problem+json",
            r =>
            {
                if (retryAfterSeconds is { } s) r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(s));
            });

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Requests.Add(request);
        if (_responses.Count == 0) throw new InvalidOperationException($"No canned response left for {request.Method} {request.RequestUri}");
        return Task.FromResult(_responses.Dequeue()());
    }
}

/// <summary>A clock whose timers fire at once, recording each requested delay: retries run instantly and can be checked.</summary>
public sealed class RecordingTimeProvider : TimeProvider
{
    public List<TimeSpan> Delays { get; } = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (Delays) Delays.Add(dueTime);
        ThreadPool.QueueUserWorkItem(_ => callback(state));
        return new NoopTimer();
    }

    private sealed class NoopTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;
        public void Dispose() { }
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
