namespace EdgeConductor.Sdk.Devices;

/// <summary>The answer to <see cref="DevicesClient.DeleteAsync"/>.</summary>
/// <param name="Deleted">The device was deleted.</param>
/// <param name="SerialNo">Its serial number.</param>
public sealed record DeleteResult(bool Deleted, string SerialNo);
