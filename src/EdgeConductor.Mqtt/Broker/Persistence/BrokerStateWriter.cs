namespace EdgeConductor.Mqtt.Broker.Persistence;

/// <summary>
/// Group commit of broker state changes: callers add changes from any thread and get the task of the batch that will
/// hold them; one loop hands each batch, in order, to <see cref="IBrokerStateStore.ApplyAsync"/>. While a batch is being
/// written the next one fills up, so under load many PUBACKs share one database transaction. A failed batch is retried
/// (a database may be briefly busy); after <see cref="MaxAttempts"/> it fails its waiters (their publishes are not
/// acknowledged) and the loop goes on with the next batch.
/// </summary>
internal sealed class BrokerStateWriter : IAsyncDisposable
{
    private const int MaxAttempts = 5;
    private readonly IBrokerStateStore _store;
    private readonly Action<Exception, string> _onError;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private List<BrokerStateChange> _buffer = [];
    private TaskCompletionSource _batch = NewBatch();
    private Task _writing = Task.CompletedTask;
    private bool _woken;

    public BrokerStateWriter(IBrokerStateStore store, Action<Exception, string> onError)
    {
        _store = store;
        _onError = onError;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Number of changes applied so far (diagnostics).</summary>
    public long Applied { get; private set; }

    /// <summary>Adds a change; the returned task completes when the batch holding it is durable.</summary>
    public Task Add(BrokerStateChange change)
    {
        lock (_lock)
        {
            _buffer.Add(change);
            if (!_woken)
            {
                _woken = true;
                _wake.Release();
            }

            return _batch.Task;
        }
    }

    /// <summary>Completes when everything added so far is durable.</summary>
    public Task FlushAsync()
    {
        lock (_lock)
        {
            return _buffer.Count > 0 ? _batch.Task : _writing;
        }
    }

    private static TaskCompletionSource NewBatch() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task LoopAsync()
    {
        while (true)
        {
            try
            {
                await _wake.WaitAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            List<BrokerStateChange> changes;
            TaskCompletionSource batch;
            lock (_lock)
            {
                changes = _buffer;
                batch = _batch;
                _buffer = [];
                _batch = NewBatch();
                _woken = false;
                _writing = batch.Task;
            }

            if (changes.Count == 0)
            {
                batch.TrySetResult();
                continue;
            }

            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await _store.ApplyAsync(changes, CancellationToken.None).ConfigureAwait(false);
                    Applied += changes.Count;
                    batch.TrySetResult();
                    break;
                }
                catch (Exception ex) when (attempt < MaxAttempts)
                {
                    _onError(ex, "broker state store (will retry)");
                    await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt)).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    _onError(ex, "broker state store");
                    batch.TrySetException(new IOException("The broker state could not be stored.", ex));
                    break;
                }
            }
        }
    }

    /// <summary>Writes what is buffered, then stops the loop.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await FlushAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Reported when the batch failed.
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
        _wake.Dispose();
    }
}
