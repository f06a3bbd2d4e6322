namespace EdgeConductor.Server.Auth;

/// <summary>A row of <c>users</c>.</summary>
public sealed class UserRecord
{
    public string Id { get; set; } = "";
    public string Email { get; set; } = "";
    public string PasswordHash { get; set; } = "";
    public string Role { get; set; } = "";
    public string? OrgId { get; set; }
    public string? PartnerId { get; set; }
    public string? RoomId { get; set; }
    public long CreatedAt { get; set; }

    /// <summary>When the account was disabled (Unix ms), or null while it is enabled. A disabled user cannot log in or refresh.</summary>
    public long? DisabledAt { get; set; }

    public bool IsDisabled => DisabledAt is not null;

    public Caller ToCaller() => new(Caller.UserKind, Id, Role, OrgId, PartnerId, RoomId, Email);
}
