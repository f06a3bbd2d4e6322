namespace EdgeConductor.Mqtt.Broker.Persistence;

/// <summary>
/// Where a broker keeps the state that must survive a restart: retained messages and persistent sessions (their
/// subscriptions, expiry, and queued / in-flight QoS 1 and 2 messages). The library has no database: the host implements
/// this (the EdgeConductor server on SQLite or PostgreSQL). Without a store (<see cref="MqttBrokerOptions.StateStore"/>
/// null) the broker keeps everything in memory only, exactly as before.
/// </summary>
/// <remarks>
/// The broker calls <see cref="LoadAsync"/> once (<see cref="MqttBroker.LoadStateAsync"/>) before clients connect, then
/// <see cref="ApplyAsync"/> from one writer at a time with changes in the order they happened, grouped in batches (like the
/// telemetry group commit). A batch must be durable when the returned task completes: the broker sends PUBACK / PUBREC for a
/// QoS 1/2 message queued for a persistent session, SUBACK for a subscription, and PUBACK for a retained publish only after
/// the batch holding it was applied. Throwing fails the batch: the publishes waiting on it are not acknowledged.
/// </remarks>
public interface IBrokerStateStore
{
    /// <summary>Everything stored. The host may leave out (and delete) sessions whose owner no longer exists.</summary>
    Task<BrokerStateSnapshot> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Applies <paramref name="changes"/> in order, atomically if the store can, durably before completing.</summary>
    Task ApplyAsync(IReadOnlyList<BrokerStateChange> changes, CancellationToken cancellationToken);
}
