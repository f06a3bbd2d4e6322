using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Broker;

public sealed partial class MqttBroker
{
    /// <summary>
    /// Attaches a connection to the session of <paramref name="key"/> (owner, client id), taking over (and closing) any
    /// connection of the same key that holds it. Sessions of other owners are never looked at, even with the same client id.
    /// Returns a null session when a new session would exceed <see cref="MqttBrokerOptions.MaxSessionsPerOwner"/> and none
    /// of the owner's sessions is offline (CONNACK Quota exceeded).
    /// </summary>
    internal async Task<(MqttSession? Session, bool Present)> AttachAsync(MqttServerConnection connection, MqttSessionKey key, bool cleanStart, uint expiryInterval)
    {
        for (var attempt = 0; ; attempt++)
        {
            MqttServerConnection? previous;
            List<(MqttWillMessage Will, MqttClientInfo Client)>? wills = null;
            lock (_sessionsLock)
            {
                _sessions.TryGetValue(key, out var existing);
                previous = existing?.Connection;
                if (previous is null || attempt >= 3)
                {
                    if (previous is not null)
                    {
                        existing!.Connection = null;
                    }

                    MqttSession session;
                    bool present;
                    if (existing is null || cleanStart || existing.Discarded)
                    {
                        if (existing is not null)
                        {
                            TakePendingWill(existing, ref wills);
                            RemoveSessionLocked(existing);
                            DiscardSessionLocked(existing);
                        }
                        else if (!MakeRoomLocked(key.Owner, ref wills))
                        {
                            if (wills is not null)
                            {
                                _ = PublishWillsAsync(wills);
                            }

                            return (null, false);
                        }

                        session = NewSession(key);
                        AddSessionLocked(session);
                        present = false;
                    }
                    else
                    {
                        session = existing;
                        present = true;
                    }

                    session.PendingWill = null;
                    session.PendingWillClient = null;
                    session.Connection = connection;
                    session.ExpiryInterval = expiryInterval;
                    session.ExpiresAtTicks = 0;
                    PersistAttached(session, present);
                    Interlocked.Increment(ref _connectedCount);
                    if (wills is not null)
                    {
                        _ = PublishWillsAsync(wills);
                    }

                    return (session, present);
                }
            }

            previous.Abort(MqttDisconnectReason.SessionTakenOver, MqttReasonCode.SessionTakenOver);
            await Task.WhenAny(previous.Completion, Task.Delay(TimeSpan.FromSeconds(3))).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Keeps <paramref name="owner"/> under <see cref="MqttBrokerOptions.MaxSessionsPerOwner"/> before a new session is
    /// added: evicts the owner's longest-offline sessions as needed. False when every session of the owner is online.
    /// </summary>
    private bool MakeRoomLocked(string owner, ref List<(MqttWillMessage Will, MqttClientInfo Client)>? wills)
    {
        var max = Math.Max(1, Options.MaxSessionsPerOwner);
        while (_sessionsByOwner.TryGetValue(owner, out var owned) && OneOrMany.Count<MqttSession>(owned) >= max)
        {
            MqttSession? oldest = null;
            foreach (var candidate in OneOrMany.ToArray<MqttSession>(owned))
            {
                if (candidate.Connection is null && (oldest is null || candidate.DetachedAtTicks < oldest.DetachedAtTicks))
                {
                    oldest = candidate;
                }
            }

            if (oldest is null)
            {
                Metrics.SessionRefused();
                return false;
            }

            TakePendingWill(oldest, ref wills);
            RemoveSessionLocked(oldest);
            DiscardSessionLocked(oldest);
            Metrics.SessionEvicted();
        }

        return true;
    }

    private static void TakePendingWill(MqttSession session, ref List<(MqttWillMessage Will, MqttClientInfo Client)>? wills)
    {
        if (session.PendingWill is { } will && session.PendingWillClient is { } willClient)
        {
            (wills ??= []).Add((will, willClient));
        }

        session.PendingWill = null;
        session.PendingWillClient = null;
    }

    private void AddSessionLocked(MqttSession session)
    {
        _sessions[session.Key] = session;
        OneOrMany.Add(_sessionsByOwner, session.Owner, session);
    }

    /// <summary>Removes <paramref name="session"/> from the table if it is still the current session of its key.</summary>
    private void RemoveSessionLocked(MqttSession session)
    {
        if (_sessions.TryGetValue(session.Key, out var current) && current == session)
        {
            _sessions.Remove(session.Key);
        }

        OneOrMany.Remove(_sessionsByOwner, session.Owner, session);
    }

    /// <summary>Detaches a closing connection: session expiry, will (with v5 delay), disconnect hook.</summary>
    internal async Task DetachAsync(MqttServerConnection connection, MqttSession session, MqttClientInfo client, MqttWillMessage? will, MqttDisconnectReason reason)
    {
        var publishWillNow = false;
        lock (_sessionsLock)
        {
            if (session.Connection == connection)
            {
                session.Connection = null;
                Interlocked.Decrement(ref _connectedCount);
                var now = NowTicks;
                var removed = false;
                session.DetachedAtTicks = now;
                if (session.ExpiryInterval == 0)
                {
                    RemoveSessionLocked(session);
                    DiscardSessionLocked(session);
                    removed = true;
                }
                else if (session.ExpiryInterval != uint.MaxValue)
                {
                    session.ExpiresAtTicks = now + (session.ExpiryInterval * TimeSpan.TicksPerSecond);
                }

                if (!removed)
                {
                    PersistDetached(session);
                }

                if (will is not null)
                {
                    var delay = will.Properties?.WillDelayInterval ?? 0;
                    if (removed || delay == 0)
                    {
                        publishWillNow = true;
                    }
                    else
                    {
                        session.PendingWill = will;
                        session.PendingWillClient = client;
                        session.WillDueAtTicks = now + (Math.Min(delay, session.ExpiryInterval) * TimeSpan.TicksPerSecond);
                    }
                }
            }
            else if (will is not null && (will.Properties?.WillDelayInterval ?? 0) == 0)
            {
                // Taken over: the old connection's will is still due (a delayed one is cancelled by the new connection).
                publishWillNow = true;
            }
        }

        if (publishWillNow)
        {
            await PublishWillAsync(will!, client).ConfigureAwait(false);
        }

        try
        {
            await Options.Hooks.OnClientDisconnectedAsync(client, reason).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ReportError(ex, "OnClientDisconnectedAsync");
        }
    }

    /// <summary>The session's subscriptions at this moment (the dictionary itself is guarded by the sessions lock).</summary>
    internal List<MqttSubscription> SnapshotSubscriptions(MqttSession session)
    {
        lock (_sessionsLock)
        {
            return session.HasSubscriptions ? [.. session.Subscriptions.Values] : [];
        }
    }

    private void DiscardSessionLocked(MqttSession session)
    {
        session.Discarded = true;
        PersistDiscarded(session);
        if (session.HasSubscriptions)
        {
            foreach (var filter in session.Subscriptions.Keys)
            {
                _index.Remove(IndexFilter(session, filter), session);
            }

            session.Subscriptions.Clear();
        }

        if (session.Connection is null)
        {
            session.ClearState();
            session.ClearOverflow();
        }
    }

    private async Task PublishWillsAsync(List<(MqttWillMessage Will, MqttClientInfo Client)> wills)
    {
        foreach (var (will, client) in wills)
        {
            await PublishWillAsync(will, client).ConfigureAwait(false);
        }
    }

    private async Task PublishWillAsync(MqttWillMessage will, MqttClientInfo client)
    {
        try
        {
            var message = CreateMessage(will.Topic, will.Payload, will.QoS, will.Retain, will.Properties is null ? null : StripWillOnly(will.Properties), client.ClientId);
            var result = await Options.Hooks.OnPublishAsync(new MqttPublishContext(client, message, isWill: true), CancellationToken.None).ConfigureAwait(false);
            if (result.Accepted)
            {
                await RouteAsync(message, null).ConfigureAwait(false);
            }
            else
            {
                Metrics.PublishRejected(result.ReasonCode);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ReportError(ex, "will publication");
        }
    }

    private static MqttProperties StripWillOnly(MqttProperties properties)
    {
        var copy = properties.Clone();
        copy.WillDelayInterval = null;
        return copy;
    }

    /// <summary>Periodic: keep-alive and CONNECT timeouts, delayed wills, session expiry.</summary>
    /// <summary>
    /// Sweeps (timeouts, session expiry, delayed wills) finished so far. A test that moved the clock waits until this
    /// has grown by two: then at least one whole sweep started after the move.
    /// </summary>
    internal long CompletedSweeps => Interlocked.Read(ref _completedSweeps);

    private void Sweep()
    {
        var now = NowTicks;
        foreach (var connection in _connections.Keys)
        {
            connection.CheckTimeouts(now);
        }

        List<(MqttWillMessage Will, MqttClientInfo Client)>? wills = null;
        lock (_sessionsLock)
        {
            List<MqttSession>? expired = null;
            foreach (var session in _sessions.Values)
            {
                if (session.Connection is not null)
                {
                    continue;
                }

                var sessionExpired = session.ExpiresAtTicks != 0 && session.ExpiresAtTicks <= now;
                if (session.PendingWill is { } will && (sessionExpired || session.WillDueAtTicks <= now))
                {
                    (wills ??= []).Add((will, session.PendingWillClient!));
                    session.PendingWill = null;
                    session.PendingWillClient = null;
                }

                if (sessionExpired)
                {
                    (expired ??= []).Add(session);
                }
            }

            if (expired is not null)
            {
                foreach (var session in expired)
                {
                    RemoveSessionLocked(session);
                    DiscardSessionLocked(session);
                }
            }
        }

        if (wills is not null)
        {
            _ = PublishWillsAsync(wills);
        }

        Interlocked.Increment(ref _completedSweeps);
    }
}
