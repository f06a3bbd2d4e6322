namespace EdgeConductor.Server.RoomClaims;

/// <summary>A row of <c>room_claim_links</c> (migration 12): only the SHA-256 of the token is stored.</summary>
public sealed class ClaimLinkRecord
{
    public string Id { get; set; } = "";
    public string OrgId { get; set; } = "";
    public string RoomId { get; set; } = "";
    public string TokenHash { get; set; } = "";
    public string? CreatedBy { get; set; }
    public long CreatedAt { get; set; }
    public long ExpiresAt { get; set; }
    public long? UsedAt { get; set; }
    public string? UsedBy { get; set; }
}
