namespace EdgeConductor.Mqtt.Broker;

internal sealed partial class MqttSession
{
    /// <summary>Told when a stored queued message is done (acknowledged, dropped, withdrawn); null without a state store.</summary>
    public Action<long>? OnPersistedDone { get; set; }

    /// <summary>Whether the state store holds a row for this session (so ending it must delete that row).</summary>
    public bool Stored { get; set; }

    private void Persisted(long persistId)
    {
        if (persistId != 0)
        {
            OnPersistedDone?.Invoke(persistId);
        }
    }

    /// <summary>Restores a message that was in flight at a graceful shutdown, under its old packet id. Caller holds <see cref="SyncRoot"/>.</summary>
    public void RestoreInflight(Packets.PublishPacket packet, long persistId, bool released)
    {
        (_inflight ??= [])[packet.PacketId] = new InflightMessage(packet, ++_sequence) { PersistId = persistId, Released = released };
        _lastPacketId = packet.PacketId;
    }

    /// <summary>In-flight messages that have a stored row: (row id, packet id, released), for the graceful-shutdown save.</summary>
    public List<(long Id, ushort PacketId, bool Released)> SnapshotPersistedInflight()
    {
        lock (SyncRoot)
        {
            var list = new List<(long, ushort, bool)>();
            if (_inflight is not null)
            {
                foreach (var entry in _inflight.Values)
                {
                    if (entry.PersistId != 0)
                    {
                        list.Add((entry.PersistId, entry.Packet.PacketId, entry.Released));
                    }
                }
            }

            return list;
        }
    }
}
