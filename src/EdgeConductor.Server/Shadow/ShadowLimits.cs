namespace EdgeConductor.Server.Shadow;

/// <summary>
/// The documented limits of shadow documents (docs/telemetry.md "Shadow limits"). Nesting: <see cref="Common.JsonTree.MaxDepth"/>
/// levels (a leaf path has at most 6 names). Size: a desired patch at most <see cref="MaxPatchBytes"/> and at most
/// <see cref="MaxPatchKeys"/> top-level keys; the desired document after the merge at most <see cref="MaxDocumentBytes"/>
/// (compact JSON). A reported message is a device payload (8 KB, 64 top-level fields). Over HTTP a breach is a 400
/// naming the field; over MQTT a PUBACK 0x99 (payload format invalid) with the reason string.
/// </summary>
public static class ShadowLimits
{
    public const int MaxPatchBytes = 8 * 1024;
    public const int MaxPatchKeys = 64;
    public const int MaxDocumentBytes = 16 * 1024;
}
