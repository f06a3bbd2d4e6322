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
    /// <exception cref="ApiException">404 when the device no longer exists; 409 when <paramref name="version"/> is stale;
    /// 400 when the merged document would exceed <see cref="ShadowLimits.MaxDocumentBytes"/>.</exception>
    public Task<Result> PatchAsync(DeviceRef device, JsonObject patch, long? version, AuditEntry actor, CancellationToken ct) =>
        PatchAsync(device, patch, version, ifMatch: null, actor, ct);

    /// <summary>
    /// As <see cref="PatchAsync(DeviceRef, JsonObject, long?, AuditEntry, CancellationToken)"/>, with an If-Match version too:
    /// a stale <paramref name="ifMatch"/> is 412 Precondition Failed (RFC 9110 §13.1.1) and is checked first; a stale body
    /// <paramref name="version"/> is 409 Conflict (the AWS IoT shadow convention). Neither applies anything.
    /// </summary>
    public async Task<Result> PatchAsync(DeviceRef device, JsonObject patch, long? version, long? ifMatch, AuditEntry actor, CancellationToken ct)
    {
        var (outcome, state) = await shadows.PatchDesiredAsync(device.Id, patch, version, ifMatch, ct);
        switch (outcome)
        {
            case ShadowStore.PatchOutcome.NotFound:
                throw ApiException.NotFound($"Device '{device.Serial}' not found.");
            case ShadowStore.PatchOutcome.PreconditionFailed:
                throw new ApiException(412, "PRECONDITION_FAILED", $"If-Match names version {ifMatch}, but the shadow is at version {state!.Version}; read the shadow again and retry.");
            case ShadowStore.PatchOutcome.VersionConflict:
                throw ApiException.Conflict($"Shadow version is {state!.Version}, not {version}; read the shadow again and retry.");
            case ShadowStore.PatchOutcome.TooLarge:
                throw ApiException.Invalid("desired", $"the desired document would be larger than {ShadowLimits.MaxDocumentBytes} bytes");
        }

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
