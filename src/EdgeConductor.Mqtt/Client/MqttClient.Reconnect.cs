using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Client;

public sealed partial class MqttClient
{
    private async Task AfterConnectAsync(MqttClientConnection connection, bool sessionPresent)
    {
        List<(PublishPacket Packet, bool Released, long Sequence)> resend;
        List<MqttTopicSubscription> resubscribe;
        lock (_gate)
        {
            resend = [.. _inflight.Values];
            resubscribe = sessionPresent || !_options.ResubscribeOnReconnect ? [] : [.. _subscriptions.Values];
        }

        resend.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
        foreach (var (packet, released, _) in resend)
        {
            if (released && sessionPresent)
            {
                await SendAsync(connection, new PubRelPacket { PacketId = packet.PacketId }, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                packet.Dup = true;
                await SendAsync(connection, packet, CancellationToken.None).ConfigureAwait(false);
            }
        }

        if (resubscribe.Count > 0)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await SubscribeAsync(resubscribe).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is MqttClientException or OperationCanceledException)
                {
                    // The next reconnect retries.
                }
            });
        }
    }

    private async Task OnConnectionLostAsync(MqttClientConnection connection, MqttReasonCode? serverReason, Exception? failure)
    {
        await CloseTransportAsync(connection).ConfigureAwait(false);
        if (Interlocked.CompareExchange(ref _connection, null, connection) != connection)
        {
            return;
        }

        var reconnect = _options.AutoReconnect && !_userDisconnected && !_lifetime.IsCancellationRequested;
        FailPending(new MqttClientException("Connection lost.", serverReason ?? MqttReasonCode.UnspecifiedError, failure), keepPublishes: reconnect);
        Disconnected?.Invoke(serverReason, failure);
        if (reconnect && Interlocked.Exchange(ref _reconnecting, 1) == 0)
        {
            _ = Task.Run(ReconnectLoopAsync);
        }
    }

    private async Task ReconnectLoopAsync()
    {
        try
        {
            var delay = _options.ReconnectMinDelay;
            while (!_userDisconnected && !_lifetime.IsCancellationRequested)
            {
                var jitter = TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)Math.Max(1, delay.TotalMilliseconds / 4)));
                try
                {
                    await Task.Delay(delay + jitter, _options.TimeProvider, _lifetime.Token).ConfigureAwait(false);
                    await ConnectCoreAsync(_lifetime.Token).ConfigureAwait(false);
                    return;
                }
                catch (Exception ex) when (ex is MqttClientException or IOException or OperationCanceledException or System.Net.Sockets.SocketException)
                {
                    if (_lifetime.IsCancellationRequested)
                    {
                        return;
                    }

                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.ReconnectMaxDelay.Ticks));
                }
            }
        }
        finally
        {
            Volatile.Write(ref _reconnecting, 0);
        }
    }

    private async Task KeepAliveLoopAsync(MqttClientConnection connection)
    {
        var keepAlive = TimeSpan.FromSeconds(connection.KeepAlive);
        var period = keepAlive / 2;
        var time = _options.TimeProvider;
        try
        {
            while (!connection.Lifetime.IsCancellationRequested)
            {
                await Task.Delay(period, time, connection.Lifetime.Token).ConfigureAwait(false);
                if (time.GetElapsedTime(Volatile.Read(ref connection.LastReceivedTicks)) > keepAlive * 2)
                {
                    // No PINGRESP (or anything) for too long: the connection is dead.
                    await CloseTransportAsync(connection).ConfigureAwait(false);
                    return;
                }

                await SendAsync(connection, PingReqPacket.Instance, connection.Lifetime.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is MqttClientException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // Connection ended.
        }
    }
}
