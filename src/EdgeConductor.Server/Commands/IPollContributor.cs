using System.Text.Json.Nodes;
using EdgeConductor.Server.Devices;

namespace EdgeConductor.Server.Commands;

/// <summary>
/// Adds a feature's members to the answer of <c>GET /devices/:serial/commands</c>, the polling endpoint of GSM devices
/// (seed 000): OTA adds <c>fw_url</c> / <c>fw_version</c> for a pending firmware. Called for every poll, in registration
/// order, before the ETag is computed (so a change of a contributed member changes the ETag).
/// </summary>
public interface IPollContributor
{
    /// <param name="device">The device polled for.</param>
    /// <param name="body">The answer being built; add members, never remove the seed's.</param>
    /// <param name="isDevice">True when the device itself polls (its credential), false for a user or API key looking.</param>
    ValueTask ContributeAsync(DeviceRecord device, JsonObject body, bool isDevice, CancellationToken ct);
}
