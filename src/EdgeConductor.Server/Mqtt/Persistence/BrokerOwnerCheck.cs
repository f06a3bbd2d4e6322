using EdgeConductor.Server.Auth;
using EdgeConductor.Server.Devices;

namespace EdgeConductor.Server.Mqtt.Persistence;

/// <summary>
/// Whether the owner of a stored broker session (<see cref="MqttPrincipal"/> owner keys) still exists when the server
/// starts: a device deleted, or an API key revoked, while the server was down gets nothing back. Asks the devices and
/// API-key features through their stores, never their tables.
/// </summary>
public class BrokerOwnerCheck(DeviceStore devices, ApiKeyStore apiKeys, MqttServerOptions mqtt)
{
    /// <summary>True when sessions of <paramref name="owner"/> may be restored. Owners this server does not issue are kept.</summary>
    public virtual async Task<bool> StillExistsAsync(string owner, CancellationToken ct)
    {
        if (owner.StartsWith("device:", StringComparison.Ordinal)) return await devices.ExistsAsync(owner["device:".Length..], ct);
        if (owner.StartsWith("key:", StringComparison.Ordinal)) return await apiKeys.FindAsync(owner["key:".Length..], ct) is { RevokedAt: null };
        if (owner == MqttPrincipal.AnonymousOwner) return mqtt.AllowAnonymous;
        return true;
    }
}
