using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace EdgeConductor.Platform.Tests.Notifications;

/// <summary>
/// A real SMTP server in the test process (the SmtpServer package) on a loopback port. Every accepted message is parsed
/// with MimeKit into <see cref="Received"/>; <see cref="RefuseNext"/> makes it answer the next DATA with a reply code of
/// the test's choosing (4xx = try later, 5xx = refused for good), each refusal reported on <see cref="Refusals"/>.
/// </summary>
internal sealed class TestSmtpServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly SmtpServer.SmtpServer _server;
    private readonly Task _run;
    private readonly Queue<int> _refusals = new();

    private TestSmtpServer(int port)
    {
        Port = port;
        var options = new SmtpServerOptionsBuilder().ServerName("localhost")
            .Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, port)).IsSecure(false)).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        _server = new SmtpServer.SmtpServer(options, services);
        _run = _server.StartAsync(_stop.Token);
    }

    public int Port { get; }

    /// <summary>Messages accepted, in order.</summary>
    public Channel<MimeMessage> Received { get; } = Channel.CreateUnbounded<MimeMessage>();

    /// <summary>Reply codes of refused messages, in order.</summary>
    public Channel<int> Refusals { get; } = Channel.CreateUnbounded<int>();

    /// <summary>Starts the server and waits until it accepts connections.</summary>
    public static async Task<TestSmtpServer> StartAsync()
    {
        var server = new TestSmtpServer(EdgeConductor.Testing.TestPorts.Free(1)[0]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, server.Port, timeout.Token);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(20, timeout.Token);
            }
        }
    }

    /// <summary>The next <paramref name="count"/> messages are answered with <paramref name="code"/> (e.g. 451 or 550).</summary>
    public void RefuseNext(int code, int count = 1)
    {
        lock (_refusals)
            for (var i = 0; i < count; i++) _refusals.Enqueue(code);
    }

    /// <summary>The next accepted message (fails after <paramref name="timeout"/>, default 20 s).</summary>
    public async Task<MimeMessage> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        try
        {
            return await Received.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException("No e-mail arrived at the test SMTP server.");
        }
    }

    /// <summary>The next message sent to <paramref name="to"/>; messages to others are collected into <paramref name="others"/>.</summary>
    public async Task<MimeMessage> NextToAsync(string to, List<MimeMessage>? others = null)
    {
        while (true)
        {
            var m = await NextAsync();
            if (m.To.Mailboxes.Any(a => string.Equals(a.Address, to, StringComparison.OrdinalIgnoreCase))) return m;
            others?.Add(m);
        }
    }

    private int? TakeRefusal()
    {
        lock (_refusals) return _refusals.Count > 0 ? _refusals.Dequeue() : null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _run;
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
        _stop.Dispose();
    }

    private sealed class Store(TestSmtpServer owner) : IMessageStore
    {
        public async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer,
            CancellationToken cancellationToken)
        {
            if (owner.TakeRefusal() is { } code)
            {
                owner.Refusals.Writer.TryWrite(code);
                return new SmtpResponse((SmtpReplyCode)code, code >= 500 ? "refused for good (test)" : "try again later (test)");
            }

            await using var stream = new MemoryStream(buffer.ToArray());
            owner.Received.Writer.TryWrite(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }
}
