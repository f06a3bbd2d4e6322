namespace EdgeConductor.Sdk.ClaimLinks;

/// <summary>A new QR room-claim link (<c>POST /orgs/:id/rooms/:room_id/claim-links</c>). The token is shown only once.</summary>
/// <param name="Id">The link's id.</param>
/// <param name="OrgId">The org it is bound to.</param>
/// <param name="RoomId">The room it is bound to.</param>
/// <param name="Token">The one-time token (<c>ecc_…</c>).</param>
/// <param name="ClaimPath">The console path the QR code points to: <c>/claim-room?room_id=…&amp;token=…</c> (prefix the console's address).</param>
/// <param name="ExpiresAt">When the link stops working.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record ClaimLink(string Id, string OrgId, string RoomId, string Token, string ClaimPath, DateTimeOffset ExpiresAt, DateTimeOffset CreatedAt);

/// <summary>What a claim link is (<c>POST /room-claims/check</c>).</summary>
/// <param name="State"><c>valid</c>, <c>used</c> or <c>expired</c>.</param>
/// <param name="OrgName">The org's name.</param>
/// <param name="RoomName">The room's name.</param>
/// <param name="ExpiresAt">When the link expires (or expired).</param>
public sealed record ClaimLinkCheck(string State, string OrgName, string RoomName, DateTimeOffset ExpiresAt);

/// <summary>The outcome of a room claim: the tenant now in the room.</summary>
/// <param name="UserId">The tenant user.</param>
/// <param name="OrgId">The room's org.</param>
/// <param name="RoomId">The room.</param>
/// <param name="RoomName">The room's name.</param>
public sealed record ClaimResult(string UserId, string OrgId, string RoomId, string RoomName);
