using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Broker;

public sealed partial class MqttBroker
{
    /// <summary>Attaches a connection to its session, taking over (and closing) any connection that holds it.</summary>
    internal async Task<(MqttSession Session, bool Present)> AttachAsync(MqttServerConnection connection, string clientId, bool cleanStart, uint expiryInterval)
    {
        for (var attempt = 0; ; attempt++)
        {
            MqttServerConnection? previous;
            List<(MqttWillMessage Will, MqttClientInfo Client)>? wills = null;
            lock (_sessionsLock)
            {
                _sessions.TryGetValue(clientId, out var existing);
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
                            if (existing.PendingWill is { } will && existing.PendingWillClient is { } willClient)
                            {
                                (wills ??= []).Add((will, willClient));
                            }

                            DiscardSessionLocked(existing);
                        }

                        session = new MqttSession(clientId, Options.MaxQueuedMessages);
                        _sessions[clientId] = session;
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
                if (session.ExpiryInterval == 0)
                {
                    if (_sessions.TryGetValue(session.ClientId, out var current) && current == session)
                    {
                        _sessions.Remove(session.ClientId);
                    }

                    DiscardSessionLocked(session);
                    removed = true;
                }
                else if (session.ExpiryInterval != uint.MaxValue)
                {
                    session.ExpiresAtTicks = now + (session.ExpiryInterval * TimeSpan.TicksPerSecond);
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

    private void DiscardSessionLocked(MqttSession session)
    {
        session.Discarded = true;
        if (session.HasSubscriptions)
        {
            foreach (var filter in session.Subscriptions.Keys)
            {
                _index.Remove(filter, session.ClientId);
            }

            session.Subscriptions.Clear();
        }

        if (session.Connection is null)
        {
            session.ClearState();
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
                    _sessions.Remove(session.ClientId);
                    DiscardSessionLocked(session);
                }
            }
        }

        if (wills is not null)
        {
            _ = PublishWillsAsync(wills);
        }
    }
}
