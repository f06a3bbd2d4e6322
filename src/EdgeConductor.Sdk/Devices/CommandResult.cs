namespace EdgeConductor.Sdk.Devices;

/// <summary>The answer to a device command such as reboot.</summary>
/// <param name="Ok">The command was accepted.</param>
/// <param name="CommandId">The id of the queued command.</param>
public sealed record CommandResult(bool Ok, string? CommandId);
