using System.Threading.Channels;

namespace EdgeConductor.Server.Webhooks;

/// <summary>Wakes the webhook worker at once when a delivery is enqueued (otherwise it polls every <see cref="WebhookOptions.PollInterval"/>).</summary>
public sealed class WebhookSignal
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Asks the worker to look for due deliveries now.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>Returns when woken or after <paramref name="interval"/> on <paramref name="clock"/>; throws only when <paramref name="ct"/> is cancelled.</summary>
    public async Task WaitAsync(TimeSpan interval, TimeProvider clock, CancellationToken ct)
    {
        using var timer = new CancellationTokenSource(interval, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
        try
        {
            if (await _wake.Reader.WaitToReadAsync(linked.Token)) _wake.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // the poll interval passed
        }
    }
}
