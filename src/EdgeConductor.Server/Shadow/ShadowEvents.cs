using System.Text.Json.Nodes;
using EdgeConductor.Server.Gateway;
using EdgeConductor.Server.Live;

namespace EdgeConductor.Server.Shadow;

/// <summary>The live "shadow" event: {serial_no, desired, reported, delta, version}.</summary>
public static class ShadowEvents
{
    public static DeviceEvent Changed(DeviceRef device, ShadowState s) => new("shadow", device.Serial, device.OrgId, new JsonObject
    {
        ["serial_no"] = device.Serial,
        ["desired"] = s.Desired.DeepClone(),
        ["reported"] = s.Reported.DeepClone(),
        ["delta"] = s.Delta(),
        ["version"] = s.Version,
    }.ToJsonString());
}
