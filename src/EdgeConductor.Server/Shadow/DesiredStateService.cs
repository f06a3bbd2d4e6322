using System.Text;
using System.Text.Json.Nodes;
using EdgeConductor.Server.Audit;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Gateway;
using EdgeConductor.Server.Live;

namespace EdgeConductor.Server.Shadow;

/// <summary>
/// The one way to change a device's desired state, whoever asks (<c>PATCH /devices/:serial/shadow/desired</c>, a rule's
/// action, later OTA and the console): stores the merge first, then sends the patch to the device at QoS 1 on
/// <c>devices/{serial}/shadow/desired</c> (or on its next subscribe when it is offline), publishes the live
/// <c>shadow</c> event and writes the <c>config_pushed</c> audit event.
/// </summary>
public sealed class DesiredStateService(ShadowStore shadows, IDeviceGateway gateway, DeviceEventHub hub, AuditLog audit)
{
    /// <summary>The shadow after the change, and whether a live connection of the device took the patch at once.</summary>
    public sealed record Result(ShadowState State, bool DeliveredLive);

    /// <summary>
    /// Applies <paramref name="patch"/> (already validated) to <paramref name="device"/>'s desired state.
    /// <paramref name="version"/>: the shadow version the caller read (optimistic locking), or null.
    /// <paramref name="actor"/>: who asked, as the audit event names them (its action, target and details are set here).
    /// </summary>
    /// <exception cref="ApiException">404 when the device no longer exists; 409 when <paramref name="version"/> is stale.</exception>
    public async Task<Result> PatchAsync(DeviceRef device, JsonObject patch, long? version, AuditEntry actor, CancellationToken ct)
    {
        var (outcome, state) = await shadows.PatchDesiredAsync(device.Id, patch, version, ct);
        if (outcome == ShadowStore.PatchOutcome.NotFound) throw ApiException.NotFound($"Device '{device.Serial}' not found.");
        if (outcome == ShadowStore.PatchOutcome.VersionConflict)
            throw ApiException.Conflict($"Shadow version is {state!.Version}, not {version}; read the shadow again and retry.");

        var delivered = await gateway.SendAsync(device.Serial, DeviceChannel.ShadowDesired, Encoding.UTF8.GetBytes(patch.ToJsonString()), ct);
        hub.Publish(ShadowEvents.Changed(device, state!));
        await audit.WriteAsync(actor with
        {
            OrgId = device.OrgId,
            Action = AuditActions.ConfigPushed,
            TargetType = "device",
            TargetId = device.Serial,
            Details = new { desired = patch, version = state!.Version, delivered_live = delivered },
        }, ct);
        return new Result(state!, delivered);
    }
}
