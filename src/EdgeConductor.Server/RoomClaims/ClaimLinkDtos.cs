namespace EdgeConductor.Server.RoomClaims;

/// <summary>Body of <c>POST /orgs/:id/rooms/:room_id/claim-links</c>.</summary>
/// <param name="ExpiresInMinutes">Lifetime in minutes, 5–43,200 (30 days); default 4,320 (72 h).</param>
public sealed record CreateClaimLinkRequest(int? ExpiresInMinutes);

/// <summary>A new claim link. <c>token</c> is shown only here; <c>claim_path</c> is what the QR code points to (prefix it with the console's address).</summary>
public sealed record ClaimLinkDto(string Id, string OrgId, string RoomId, string Token, string ClaimPath, DateTime ExpiresAt, DateTime CreatedAt);

/// <summary>Body of <c>POST /room-claims/check</c> and <c>POST /room-claims</c>.</summary>
public sealed record ClaimRequest(string? RoomId, string? Token);

/// <summary>Body of <c>POST /room-claims/register</c>: a new tenant account claiming the room.</summary>
public sealed record ClaimRegisterRequest(string? RoomId, string? Token, string? Email, string? Password);

/// <summary>What a claim link is: <c>state</c> valid, used or expired; the org and room names to show the visitor.</summary>
public sealed record ClaimCheckDto(string State, string OrgName, string RoomName, DateTime ExpiresAt);

/// <summary>The outcome of a claim: the tenant user now in the room.</summary>
public sealed record ClaimResultDto(string UserId, string OrgId, string RoomId, string RoomName);
