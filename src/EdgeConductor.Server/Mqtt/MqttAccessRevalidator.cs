using System.Threading.Channels;
using EdgeConductor.Mqtt.Broker;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Mqtt;

/// <summary>
/// Closes MQTT connections whose credential a change took away, at once rather than at their next message: every
/// <see cref="AccessEpoch.Bump"/> is queued here (the bumping request only enqueues) and a background loop re-checks the
/// connections the change can affect — a revoked key's service clients, a moved, deleted or re-keyed device's own
/// connections — with <see cref="LiveRights.IsCurrentAsync"/>, then disconnects those that failed: v5 DISCONNECT 0x98
/// Administrative action (MQTT 5.0 §3.14.2.1), v3.1.1 a plain close. Changes about users touch no MQTT principal.
/// </summary>
internal sealed class MqttAccessRevalidator(AccessEpoch epoch, MqttBroker broker, DeviceMqttHooks hooks, ILogger<MqttAccessRevalidator> log)
    : BackgroundService
{
    private readonly Channel<AccessChange> _changes = Channel.CreateUnbounded<AccessChange>(new UnboundedChannelOptions { SingleReader = true });

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        epoch.Changed += OnChanged;
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        epoch.Changed -= OnChanged;
        _changes.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    /// <summary>Closes one connection now (its publish was just refused because its credential is gone).</summary>
    public void Close(MqttClientInfo client)
    {
        if (broker.DisconnectClients(c => ReferenceEquals(c, client)) > 0)
            log.LogInformation("MQTT client {ClientId} disconnected: its credential is no longer valid", client.ClientId);
    }

    private void OnChanged(AccessChange change) => _changes.Writer.TryWrite(change);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var change in _changes.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await RecheckAsync(change, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    log.LogError(ex, "Re-checking MQTT connections after {Change} failed", change.Kind);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // host stopping
        }
    }

    private async Task RecheckAsync(AccessChange change, CancellationToken ct)
    {
        var revoked = new HashSet<MqttClientInfo>(ReferenceEqualityComparer.Instance);
        foreach (var client in broker.GetConnectedClients())
        {
            if (!Affected(client, change)) continue;
            var rights = hooks.RightsOf(client);
            // A rotated secret cannot be seen in the device row's ownership: the connection authenticated with the old one.
            if (change.Kind == AccessChange.DeviceSecretRotated) rights.Revoke();
            if (!await rights.IsCurrentAsync(ct)) revoked.Add(client);
        }

        if (revoked.Count == 0) return;
        var closed = broker.DisconnectClients(revoked.Contains, MqttReasonCode.AdministrativeAction);
        log.LogInformation("{Change} {Subject}: closed {Count} MQTT connection(s)", change.Kind, change.SubjectId, closed);
    }

    private static bool Affected(MqttClientInfo client, AccessChange change) => change.Kind switch
    {
        AccessChange.ApiKeyRevoked => client.Principal is MqttPrincipal.Service s && s.ApiKeyId == change.SubjectId,
        AccessChange.DeviceMoved or AccessChange.DeviceDeleted or AccessChange.DeviceSecretRotated =>
            client.Principal is MqttPrincipal.Device d && d.Ref.Serial == change.SubjectId,
        AccessChange.UserDisabled or AccessChange.UserDeleted or AccessChange.UserRoleChanged => false,
        _ => client.Principal is not MqttPrincipal.Anonymous,
    };
}
