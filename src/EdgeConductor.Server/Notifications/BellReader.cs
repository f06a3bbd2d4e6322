using EdgeConductor.Server.Auth;

namespace EdgeConductor.Server.Notifications;

/// <summary>
/// Whose bell a caller reads: a user has their own (<c>user:&lt;id&gt;</c>); an API key acts as its org's bell
/// (<c>org:&lt;org id&gt;</c>, shared by all of the org's keys, and where the read state from before per-user bells went).
/// </summary>
public static class BellReader
{
    /// <summary>The reader key of <paramref name="caller"/>.</summary>
    public static string For(Caller caller) =>
        caller.Kind == Caller.ApiKeyKind ? ForOrg(caller.OrgId ?? "") : "user:" + caller.Id;

    /// <summary>The org's own bell (its API keys).</summary>
    public static string ForOrg(string orgId) => "org:" + orgId;
}
