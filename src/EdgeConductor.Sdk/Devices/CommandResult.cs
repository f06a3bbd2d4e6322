namespace EdgeConductor.Sdk.Devices;

/// <summary>The answer to a device command such as reboot.</summary>
/// <param name="Ok">The command was accepted.</param>
/// <param name="CommandId">The id of the queued command.</param>
/// <param name="Delivered">Sent to a connected device right away; false means it is queued until the device connects or polls.</param>
public sealed record CommandResult(bool Ok, string? CommandId, bool? Delivered = null);
