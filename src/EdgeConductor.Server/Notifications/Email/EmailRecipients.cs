using EdgeConductor.Server.Auth;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Notifications.Email;

/// <summary>
/// Who gets a notification by e-mail: the org's admins and the users of the org's partner, enabled, whose preferences
/// (<see cref="NotificationPreferenceStore"/>) include the kind. One entry per address.
/// </summary>
public sealed class EmailRecipients(OrgStore orgs, UserStore users, NotificationPreferenceStore prefs)
{
    /// <summary>(user id, e-mail) of each recipient of a notification of <paramref name="kind"/> in <paramref name="orgId"/>.</summary>
    public async Task<IReadOnlyList<(string UserId, string Email)>> ForAsync(string orgId, string kind, CancellationToken ct)
    {
        var org = await orgs.FindAsync(orgId, ct);
        if (org is null) return [];
        var candidates = (await users.ListByOrgAsync(org.Id, ct)).Where(u => u.Role == Roles.OrgAdmin).ToList();
        if (org.PartnerId is not null)
            candidates.AddRange((await users.ListByPartnerAsync(org.PartnerId, ct)).Where(u => u.Role == Roles.Partner));
        candidates = candidates.Where(u => !u.IsDisabled).ToList();
        var chosen = await prefs.GetManyAsync(candidates.Select(u => u.Id).ToList(), ct);
        return candidates
            .Where(u => chosen.GetValueOrDefault(u.Id, NotificationPreferenceStore.Default).WantsEmail(kind))
            .DistinctBy(u => u.Email, StringComparer.OrdinalIgnoreCase)
            .Select(u => (u.Id, u.Email))
            .ToList();
    }
}
