namespace EdgeConductor.Server.Tenancy;

/// <summary>
/// The authorization epoch: a counter that every credential or ownership change bumps (API key revoked, device
/// moved, deleted or its secret rotated, user disabled, deleted or its role changed). Open connections cache their
/// caller's rights together with the epoch they were computed at; a cached decision is used only while the epoch is
/// unchanged, so a change takes effect at the next delivery. <see cref="Changed"/> lets connection owners re-check
/// (and close) affected sessions at once instead of waiting for the next message.
/// </summary>
public sealed class AccessEpoch
{
    private long _value;

    /// <summary>The current epoch; starts at 0 and only grows.</summary>
    public long Current => Volatile.Read(ref _value);

    /// <summary>Raised synchronously after every <see cref="Bump"/>, on the caller's thread. Handlers must not block.</summary>
    public event Action<AccessChange>? Changed;

    /// <summary>Records a change: bumps the epoch, then notifies <see cref="Changed"/> handlers (a failing handler does not stop the others).</summary>
    public void Bump(AccessChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        Interlocked.Increment(ref _value);
        if (Changed is not { } handlers) return;
        foreach (var handler in handlers.GetInvocationList().Cast<Action<AccessChange>>())
        {
            try
            {
                handler(change);
            }
            catch (Exception)
            {
                // A broken listener must never stop a revocation from reaching the others.
            }
        }
    }
}
