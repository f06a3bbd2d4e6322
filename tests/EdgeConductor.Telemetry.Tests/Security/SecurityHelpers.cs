using System.Net;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Telemetry.Tests.Security;

/// <summary>Credentials the live-authorization tests revoke while connections are open.</summary>
internal static class SecurityHelpers
{
    /// <summary>How long a negative test waits for a message that must not come, after its control message did.</summary>
    public static readonly TimeSpan QuietWindow = TimeSpan.FromMilliseconds(700);

    /// <summary>A second API key of <paramref name="org"/> (the org's own key stays usable for the test's HTTP calls).</summary>
    public static async Task<(string Id, string Key)> ExtraKeyAsync(TestOrg org)
    {
        using var admin = await TestOrg.AdminAsync(org.Server);
        var key = await admin.PostJsonAsync($"orgs/{org.Id}/api-keys", new { name = "to-revoke" }, HttpStatusCode.Created);
        return (key["id"]!.GetValue<string>(), key["key"]!.GetValue<string>());
    }

    public static Task RevokeAsync(TestOrg org, string keyId) => org.Http.DeleteAsync($"api-keys/{keyId}").ExpectAsync(HttpStatusCode.OK);

    public static async Task MoveAsync(EcServer server, TestDevice device, TestOrg to)
    {
        using var admin = await TestOrg.AdminAsync(server);
        await admin.PatchRawAsync($"devices/{device.Serial}", $$"""{"org_id":"{{to.Id}}"}""").ExpectAsync(HttpStatusCode.OK);
    }
}
