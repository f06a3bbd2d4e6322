using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeConductor.Platform.Tests.Webhooks;

/// <summary>One request the receiver got: path, the Standard Webhooks headers and the raw body.</summary>
internal sealed record ReceivedWebhook(string Path, string Id, string Timestamp, string Signature, string Body, string? ContentType);

/// <summary>
/// A real HTTP receiver: Kestrel on a free loopback port, started by the test. Every POST is recorded (per path, in
/// arrival order) and answered by the handler set for its path with <see cref="On"/> (default 200).
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Channel<ReceivedWebhook>> _byPath = new();
    private readonly ConcurrentDictionary<string, Func<ReceivedWebhook, CancellationToken, Task<IResult>>> _handlers = new();
    private readonly ConcurrentQueue<ReceivedWebhook> _all = new();

    private WebhookReceiver(WebApplication app)
    {
        _app = app;
        app.MapPost("/{**path}", async (HttpContext ctx) =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            var body = await reader.ReadToEndAsync(ctx.RequestAborted);
            var h = ctx.Request.Headers;
            var w = new ReceivedWebhook(ctx.Request.Path.Value ?? "/", h["webhook-id"].ToString(), h["webhook-timestamp"].ToString(),
                h["webhook-signature"].ToString(), body, ctx.Request.ContentType);
            _all.Enqueue(w);
            Channel(w.Path).Writer.TryWrite(w);
            return _handlers.TryGetValue(w.Path, out var handler) ? await handler(w, ctx.RequestAborted) : Results.Ok();
        });
    }

    public int Port { get; private set; }

    /// <summary>Every request so far, all paths.</summary>
    public IReadOnlyList<ReceivedWebhook> All => _all.ToArray();

    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    /// <summary>Requests to <paramref name="path"/> so far.</summary>
    public int Count(string path) => _all.Count(w => w.Path == path);

    /// <summary>How requests to <paramref name="path"/> are answered from now on.</summary>
    public void On(string path, Func<ReceivedWebhook, CancellationToken, Task<IResult>> handler) => _handlers[path] = handler;

    /// <summary>Answers requests to <paramref name="path"/> with <paramref name="status"/>.</summary>
    public void On(string path, int status) => On(path, (_, _) => Task.FromResult(Results.StatusCode(status)));

    /// <summary>The next request to <paramref name="path"/> (10 s at most).</summary>
    public async Task<ReceivedWebhook> NextAsync(string path, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            return await Channel(path).Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"no webhook arrived at {path}; received so far: {string.Join(", ", All.Select(w => w.Path))}");
        }
    }

    private Channel<ReceivedWebhook> Channel(string path) => _byPath.GetOrAdd(path, _ => System.Threading.Channels.Channel.CreateUnbounded<ReceivedWebhook>());

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var receiver = new WebhookReceiver(builder.Build());
        await receiver._app.StartAsync();
        var address = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Port = new Uri(address).Port;
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2))) await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}
