namespace EdgeConductor.Server.Tenancy;

/// <summary>
/// One change of credentials or ownership that can take rights away from an open connection (MQTT session, SSE
/// stream). Published through <see cref="AccessEpoch.Bump"/>; receivers re-check their caller's current rights.
/// </summary>
/// <param name="Kind">What changed: one of the <c>AccessChange.*</c> constants.</param>
/// <param name="SubjectId">The user id, API key id or device serial the change is about.</param>
/// <param name="OrgId">The org the subject belonged to before the change, when known.</param>
public sealed record AccessChange(string Kind, string SubjectId, string? OrgId = null)
{
    public const string ApiKeyRevoked = "api_key_revoked";
    public const string DeviceMoved = "device_moved";
    public const string DeviceDeleted = "device_deleted";
    public const string DeviceSecretRotated = "device_secret_rotated";
    public const string UserDisabled = "user_disabled";

    /// <summary>A disabled user was enabled again: no right is taken away, but cached "disabled" decisions must go.</summary>
    public const string UserEnabled = "user_enabled";
    public const string UserDeleted = "user_deleted";
    public const string UserRoleChanged = "user_role_changed";
}
