using EdgeConductor.Server.Devices;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeConductor.Server.Tests.Devices;

/// <summary>The device registry over HTTP; runs on SQLite and on PostgreSQL (see the two subclasses at the end).</summary>
public abstract class DevicesApiTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : EcServerFactory
{
    private const string Devices = EcApi.Base + "/devices";
    protected TServer Server { get; } = server;
    private EcApi Api => Server.Api;

    private async Task<(TestOrg Org, HttpClient Key)> OrgWithKeyAsync(string plan = "enterprise")
    {
        var org = await Api.CreateOrgAsync(plan: plan);
        var key = await Api.CreateApiKeyAsync(org.Id);
        return (org, Api.Client(key.Key));
    }

    private static object Reg(string? serial, string? productType = "EC-CLIMATE-V1", string? fw = "1.2.0", string? orgId = null) =>
        new { serial_no = serial, product_type = productType, fw_version = fw, org_id = orgId };

    [Fact]
    public async Task Register_NewSerialWithApiKey_Returns201WithSecretAndSeedFieldNames()
    {
        var (org, c) = await OrgWithKeyAsync();
        var serial = Unique.Serial("EC-CLM");
        var r = await c.PostJsonAsync($"{Devices}/register", Reg(serial));
        var d = await r.ExpectAsync(HttpStatusCode.Created);

        Assert.Equal($"/api/v1/devices/{serial}", r.Headers.Location?.OriginalString);
        Assert.Equal(serial, d.Str("serial_no"));
        Assert.Equal("EC-CLIMATE-V1", d.Str("product_type"));
        Assert.Equal("1.2.0", d.Str("fw_version"));
        Assert.Equal(org.Id, d.Str("org_id"));
        Assert.StartsWith("ds_", d.Str("device_secret"));
        Assert.True(d.Str("device_secret").Length >= 40);
        Assert.False(d.GetProperty("online").GetBoolean());
        Assert.Equal(JsonValueKind.Null, d.GetProperty("last_seen").ValueKind);
        Assert.Equal(JsonValueKind.Object, d.GetProperty("shadow_reported").ValueKind);
        Assert.Equal(JsonValueKind.Object, d.GetProperty("shadow_desired").ValueKind);
        Assert.Equal(JsonValueKind.Array, d.GetProperty("tags").ValueKind);
        Assert.EndsWith("Z", d.Str("created_at"));
        Assert.True(DateTimeOffset.TryParse(d.Str("created_at"), out _));
    }

    [Fact]
    public async Task Register_SameSerialSameOrgAgain_Returns200WithoutSecretAndUpdatesFirmware()
    {
        var (_, c) = await OrgWithKeyAsync();
        var serial = Unique.Serial();
        var first = await c.PostJsonAsync($"{Devices}/register", Reg(serial, fw: "1.0.0")).ExpectAsync(HttpStatusCode.Created);

        var again = await c.PostJsonAsync($"{Devices}/register", Reg(serial, fw: "1.1.0")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(first.Str("id"), again.Str("id"));
        Assert.False(again.TryGetProperty("device_secret", out _), "the secret is shown only on first registration");
        Assert.Equal("1.1.0", again.Str("fw_version"));
    }

    [Fact]
    public async Task Register_SerialOwnedByAnotherOrg_Returns409()
    {
        var (_, a) = await OrgWithKeyAsync();
        var (_, b) = await OrgWithKeyAsync();
        var serial = Unique.Serial();
        await a.PostJsonAsync($"{Devices}/register", Reg(serial)).ExpectAsync(HttpStatusCode.Created);

        var p = await b.PostJsonAsync($"{Devices}/register", Reg(serial)).ExpectProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Contains(serial, p.Str("detail"));
    }

    [Theory]
    [InlineData(null, "EC-CLIMATE-V1", "serial_no")]
    [InlineData("", "EC-CLIMATE-V1", "serial_no")]
    [InlineData("EC-OK-1", null, "product_type")]
    [InlineData("EC-OK-2", "   ", "product_type")]
    public async Task Register_MissingField_Returns400NamingTheField(string? serial, string? productType, string field)
    {
        var (_, c) = await OrgWithKeyAsync();
        var p = await c.PostJsonAsync($"{Devices}/register", Reg(serial, productType)).ExpectProblemAsync(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.True(p.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {p}");
        Assert.Contains(field, p.Str("detail"));
    }

    [Fact]
    public async Task Register_Serial64Chars_Accepted_65Chars_Rejected()
    {
        var (_, c) = await OrgWithKeyAsync();
        var ok = Unique.Serial("S").PadRight(64, 'x');
        await c.PostJsonAsync($"{Devices}/register", Reg(ok)).ExpectAsync(HttpStatusCode.Created);

        var p = await c.PostJsonAsync($"{Devices}/register", Reg(ok + "y")).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(p.GetProperty("errors").TryGetProperty("serial_no", out _));
        Assert.Contains("64", p.Str("detail"));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("slash/inside")]
    [InlineData("plus+sign")]
    [InlineData("hash#tag")]
    [InlineData("wild*card")]
    [InlineData("ümlaut")]
    [InlineData("line\nbreak")]
    [InlineData("EC-TRAILING-NEWLINE\n")]
    public async Task Register_SerialWithBadCharacters_Returns400(string serial)
    {
        var (_, c) = await OrgWithKeyAsync();
        var p = await c.PostJsonAsync($"{Devices}/register", Reg(serial)).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(p.GetProperty("errors").TryGetProperty("serial_no", out _));
    }

    [Fact]
    public async Task Store_Register_RefusesASerialTheRuleRefuses_WhateverTheCaller()
    {
        var store = Server.Services.GetRequiredService<DeviceStore>();
        var (outcome, _, _) = await store.RegisterAsync(Unique.Serial("STORE"), "EC-CLIMATE-V1", null, null, CancellationToken.None); // control
        Assert.Equal(DeviceStore.RegisterOutcome.Created, outcome);
        foreach (var bad in new[] { ".", "..", "a/b" })
        {
            var ex = await Assert.ThrowsAsync<EdgeConductor.Server.Errors.ApiException>(() => store.RegisterAsync(bad, "EC-CLIMATE-V1", null, null, CancellationToken.None));
            Assert.True(ex.Errors!.ContainsKey("serial_no"));
        }
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    public async Task Register_DotSegmentSerial_Returns400NamingSerialNo(string serial)
    {
        var (_, c) = await OrgWithKeyAsync();
        // Control: dots are allowed elsewhere in a serial, and such a device is addressable by its URL.
        var dotted = "..." + Unique.Serial("D") + ".";
        await c.PostJsonAsync($"{Devices}/register", Reg(dotted)).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(dotted, (await c.GetAsync($"{Devices}/{dotted}").ExpectAsync(HttpStatusCode.OK)).Str("serial_no"));

        var p = await c.PostJsonAsync($"{Devices}/register", Reg(serial)).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(p.GetProperty("errors").TryGetProperty("serial_no", out _));
    }

    [Theory]
    [InlineData("{\"serial_no\": \"EC-1\", ")]
    [InlineData("not json at all")]
    [InlineData("{\"serial_no\": 12345, \"product_type\": \"x\"}")]
    [InlineData("[1, 2, 3]")]
    public async Task Register_MalformedJson_Returns400Problem(string raw)
    {
        var (_, c) = await OrgWithKeyAsync();
        var r = await c.SendRawAsync(HttpMethod.Post, $"{Devices}/register", raw);
        var p = await r.ExpectProblemAsync(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.DoesNotContain("   at ", p.ToString());
    }

    [Fact]
    public async Task Register_EmptyBody_Returns400()
    {
        var (_, c) = await OrgWithKeyAsync();
        await c.SendRawAsync(HttpMethod.Post, $"{Devices}/register", "").ExpectProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Register_UnknownOrgAsSuperAdmin_Returns404()
    {
        using var admin = await Api.AdminClientAsync();
        var p = await admin.PostJsonAsync($"{Devices}/register", Reg(Unique.Serial(), orgId: "no-such-org"))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Contains("no-such-org", p.Str("detail"));
    }

    [Fact]
    public async Task Register_NoOrgAsSuperAdmin_CreatesUnassignedDevice()
    {
        var d = await Api.RegisterDeviceAsync(orgId: null);
        Assert.Null(d.OrgId);
        using var admin = await Api.AdminClientAsync();
        var got = await admin.GetAsync($"{Devices}/{d.SerialNo}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, got.GetProperty("org_id").ValueKind);
    }

    [Fact]
    public async Task Register_NoOrgAsOrgUserWithoutOrg_UsesCallersOrg()
    {
        var org = await Api.CreateOrgAsync();
        var admin = await Api.CreateUserAsync(org.Id, "org_admin");
        var d = await Api.RegisterDeviceAsync(orgId: null, bearer: admin.Token);
        Assert.Equal(org.Id, d.OrgId);
    }

    [Fact]
    public async Task Register_Unauthenticated_Returns401()
    {
        using var c = Api.Client(null);
        var r = await c.PostJsonAsync($"{Devices}/register", Reg(Unique.Serial()));
        await r.ExpectProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Contains("Bearer", r.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task List_ReturnsOnlyCallersDevices_WithFiltersPagingAndTotal()
    {
        var (org, c) = await OrgWithKeyAsync();
        var (_, other) = await OrgWithKeyAsync();
        var serials = new List<string>();
        for (var i = 0; i < 3; i++)
            serials.Add((await c.PostJsonAsync($"{Devices}/register", Reg($"LIST-{org.Slug}-{i}", "tracker")).ExpectAsync(HttpStatusCode.Created)).Str("serial_no"));
        await c.PostJsonAsync($"{Devices}/register", Reg($"LIST-{org.Slug}-c", "climate")).ExpectAsync(HttpStatusCode.Created);
        await other.PostJsonAsync($"{Devices}/register", Reg(Unique.Serial("OTHER"))).ExpectAsync(HttpStatusCode.Created);

        var all = await c.GetAsync(Devices);
        var list = await all.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(4, list.GetArrayLength());
        Assert.Equal("4", all.Headers.GetValues("X-Total-Count").Single());
        Assert.All(list.EnumerateArray(), d => Assert.Equal(org.Id, d.Str("org_id")));

        var trackers = await c.GetAsync($"{Devices}?product_type=tracker").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(serials, trackers.EnumerateArray().Select(d => d.Str("serial_no")).ToList());

        var page = await c.GetAsync($"{Devices}?product_type=tracker&limit=2&offset=1");
        var items = await page.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(serials.Skip(1).ToList(), items.EnumerateArray().Select(d => d.Str("serial_no")).ToList());
        Assert.Equal("3", page.Headers.GetValues("X-Total-Count").Single());

        var byOrg = await c.GetAsync($"{Devices}?org_id={org.Id}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(4, byOrg.GetArrayLength());
    }

    [Fact]
    public async Task List_StatusFilter_SplitsOnlineAndOffline()
    {
        var (_, c) = await OrgWithKeyAsync();
        var on = (await c.PostJsonAsync($"{Devices}/register", Reg(Unique.Serial("ON"))).ExpectAsync(HttpStatusCode.Created)).Str("serial_no");
        var off = (await c.PostJsonAsync($"{Devices}/register", Reg(Unique.Serial("OFF"))).ExpectAsync(HttpStatusCode.Created)).Str("serial_no");
        await Api.MarkSeenAsync(on);
        await Api.MarkSeenAsync(off, Server.Clock.GetUtcNow() - TimeSpan.FromMinutes(6));

        var online = await c.GetAsync($"{Devices}?status=online").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([on], online.EnumerateArray().Select(d => d.Str("serial_no")).ToArray());
        Assert.True(online[0].GetProperty("online").GetBoolean());
        Assert.EndsWith("Z", online[0].Str("last_seen"));
        var offline = await c.GetAsync($"{Devices}?status=offline").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([off], offline.EnumerateArray().Select(d => d.Str("serial_no")).ToArray());
    }

    [Fact]
    public async Task List_SearchAndTag_MatchCaseInsensitiveSubstringAndExactTag()
    {
        var (org, c) = await OrgWithKeyAsync();
        var a = (await c.PostJsonAsync($"{Devices}/register", Reg($"SRCH-{org.Slug}-ALPHA", "EC-CLIMATE-V1")).ExpectAsync(HttpStatusCode.Created)).Str("serial_no");
        var b = (await c.PostJsonAsync($"{Devices}/register", Reg($"SRCH-{org.Slug}-BETA", "tracker")).ExpectAsync(HttpStatusCode.Created)).Str("serial_no");
        var pct = (await c.PostJsonAsync($"{Devices}/register", Reg($"SRCH-{org.Slug}-X_1", "tracker")).ExpectAsync(HttpStatusCode.Created)).Str("serial_no");
        await c.PatchJsonAsync($"{Devices}/{a}", new { tags = new[] { "floor-2", "lab" } }).ExpectAsync(HttpStatusCode.OK);
        await c.PatchJsonAsync($"{Devices}/{b}", new { tags = new[] { "floor-20" } }).ExpectAsync(HttpStatusCode.OK);

        static List<string> Serials(JsonElement list) => list.EnumerateArray().Select(d => d.Str("serial_no")).ToList();
        var alpha = await c.GetAsync($"{Devices}?q=alpha");
        Assert.Equal([a], Serials(await alpha.ExpectAsync(HttpStatusCode.OK)));
        Assert.Equal("1", alpha.Headers.GetValues("X-Total-Count").Single());
        Assert.Equal([b, pct], Serials(await c.GetAsync($"{Devices}?q=TRACK").ExpectAsync(HttpStatusCode.OK))); // product type
        Assert.Equal([pct], Serials(await c.GetAsync($"{Devices}?q=x_").ExpectAsync(HttpStatusCode.OK))); // _ is literal, not a wildcard
        Assert.Empty(Serials(await c.GetAsync($"{Devices}?q=%25").ExpectAsync(HttpStatusCode.OK))); // % is literal
        Assert.Equal([a], Serials(await c.GetAsync($"{Devices}?tag=floor-2").ExpectAsync(HttpStatusCode.OK))); // not floor-20
        Assert.Equal([b], Serials(await c.GetAsync($"{Devices}?tag=floor-20&q=srch").ExpectAsync(HttpStatusCode.OK)));
        Assert.Empty(Serials(await c.GetAsync($"{Devices}?tag=floor").ExpectAsync(HttpStatusCode.OK)));
        var p = await c.GetAsync($"{Devices}?q={new string('x', 65)}").ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(p.GetProperty("errors").TryGetProperty("q", out _), p.ToString());
    }

    [Fact]
    public async Task Audit_TargetFilter_ReturnsOnlyThatDevicesTrail()
    {
        var (org, c) = await OrgWithKeyAsync();
        var a = (await c.PostJsonAsync($"{Devices}/register", Reg(Unique.Serial("AUD"))).ExpectAsync(HttpStatusCode.Created)).Str("serial_no");
        var b = (await c.PostJsonAsync($"{Devices}/register", Reg(Unique.Serial("AUD"))).ExpectAsync(HttpStatusCode.Created)).Str("serial_no");
        await c.PostAsync($"{Devices}/{a}/secret/rotate", null).ExpectAsync(HttpStatusCode.OK);

        var trail = await c.GetAsync($"{EcApi.Base}/orgs/{org.Id}/audit?target_type=device&target_id={a}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["device_secret_rotated", "device_registered"], trail.EnumerateArray().Select(e => e.Str("action")).ToArray());
        Assert.All(trail.EnumerateArray(), e => Assert.Equal(a, e.Str("target_id")));
        var all = await c.GetAsync($"{EcApi.Base}/orgs/{org.Id}/audit").ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(all.EnumerateArray(), e => e.StrOrNull("target_id") == b);
    }

    [Theory]
    [InlineData("status=sleeping", "status")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=100000", "limit")]
    [InlineData("offset=-1", "offset")]
    public async Task List_BadQuery_Returns400NamingTheParameter(string query, string field)
    {
        var (_, c) = await OrgWithKeyAsync();
        var p = await c.GetAsync($"{Devices}?{query}").ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(p.GetProperty("errors").TryGetProperty(field, out _), p.ToString());
    }

    [Fact]
    public async Task List_NonNumericLimit_Returns400()
    {
        var (_, c) = await OrgWithKeyAsync();
        await c.GetAsync($"{Devices}?limit=lots").ExpectProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Get_ExistingDevice_ReturnsShadowsAndPresence()
    {
        var (_, c) = await OrgWithKeyAsync();
        var serial = Unique.Serial();
        await c.PostJsonAsync($"{Devices}/register", Reg(serial)).ExpectAsync(HttpStatusCode.Created);

        var d = await c.GetAsync($"{Devices}/{serial}").ExpectAsync(HttpStatusCode.OK);
        foreach (var f in new[] { "id", "serial_no", "product_type", "fw_version", "org_id", "room_id", "tenant_id", "tags",
                     "shadow_reported", "shadow_desired", "last_seen", "online", "created_at", "updated_at" })
            Assert.True(d.TryGetProperty(f, out _), $"missing {f}");
        Assert.False(d.TryGetProperty("device_secret", out _));
        Assert.False(d.TryGetProperty("secret_hash", out _));
    }

    [Theory]
    [InlineData("NO-SUCH-DEVICE-1")]
    [InlineData("bad%20chars")]
    public async Task Get_UnknownOrInvalidSerial_Returns404(string serial)
    {
        var (_, c) = await OrgWithKeyAsync();
        await c.GetAsync($"{Devices}/{serial}").ExpectProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Patch_AssignsRoomTenantAndTags()
    {
        var (org, c) = await OrgWithKeyAsync();
        var room = await Api.CreateRoomAsync(org.Id);
        var customer = await Api.CreateUserAsync(org.Id, "customer");
        var serial = Unique.Serial();
        await c.PostJsonAsync($"{Devices}/register", Reg(serial)).ExpectAsync(HttpStatusCode.Created);

        var d = await c.PatchJsonAsync($"{Devices}/{serial}", new { room_id = room.Id, tenant_id = customer.Id, tags = new[] { "hvac", "floor-2", "hvac" } })
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(room.Id, d.Str("room_id"));
        Assert.Equal(customer.Id, d.Str("tenant_id"));
        Assert.Equal(new[] { "hvac", "floor-2" }, d.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToArray());

        var filtered = await c.GetAsync($"{Devices}?room_id={room.Id}&tenant_id={customer.Id}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(serial, Assert.Single(filtered.EnumerateArray()).Str("serial_no"));

        var cleared = await c.PatchJsonAsync($"{Devices}/{serial}", new { room_id = (string?)null, tags = (string[]?)null }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("room_id").ValueKind);
        Assert.Equal(customer.Id, cleared.Str("tenant_id"));
        Assert.Equal(0, cleared.GetProperty("tags").GetArrayLength());
    }

    [Theory]
    [InlineData("{\"serial_no\": \"x\"}", "serial_no")]
    [InlineData("{\"tags\": \"not-an-array\"}", "tags")]
    [InlineData("{\"tags\": [1, 2]}", "tags")]
    [InlineData("{\"room_id\": \"no-such-room\"}", "room_id")]
    [InlineData("{\"tenant_id\": \"no-such-user\"}", "tenant_id")]
    [InlineData("{\"room_id\": 42}", "room_id")]
    public async Task Patch_BadField_Returns400NamingIt(string raw, string field)
    {
        var (_, c) = await OrgWithKeyAsync();
        var serial = Unique.Serial();
        await c.PostJsonAsync($"{Devices}/register", Reg(serial)).ExpectAsync(HttpStatusCode.Created);
        var p = await c.SendRawAsync(HttpMethod.Patch, $"{Devices}/{serial}", raw).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(p.GetProperty("errors").TryGetProperty(field, out _), p.ToString());
    }

    [Fact]
    public async Task Patch_NotAnObject_Returns400()
    {
        var (_, c) = await OrgWithKeyAsync();
        var serial = Unique.Serial();
        await c.PostJsonAsync($"{Devices}/register", Reg(serial)).ExpectAsync(HttpStatusCode.Created);
        await c.SendRawAsync(HttpMethod.Patch, $"{Devices}/{serial}", "[]").ExpectProblemAsync(HttpStatusCode.BadRequest);
        await c.SendRawAsync(HttpMethod.Patch, $"{Devices}/{serial}", "{oops").ExpectProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Patch_RoomOfAnotherOrg_Returns400()
    {
        var (_, c) = await OrgWithKeyAsync();
        var otherOrg = await Api.CreateOrgAsync();
        var otherRoom = await Api.CreateRoomAsync(otherOrg.Id);
        var serial = Unique.Serial();
        await c.PostJsonAsync($"{Devices}/register", Reg(serial)).ExpectAsync(HttpStatusCode.Created);
        await c.PatchJsonAsync($"{Devices}/{serial}", new { room_id = otherRoom.Id }).ExpectProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Patch_MoveToAnotherOrg_ByOrgKey_Returns404_BySuperAdmin_MovesAndClearsAssignment()
    {
        var (org, c) = await OrgWithKeyAsync();
        var target = await Api.CreateOrgAsync();
        var room = await Api.CreateRoomAsync(org.Id);
        var serial = Unique.Serial();
        await c.PostJsonAsync($"{Devices}/register", Reg(serial)).ExpectAsync(HttpStatusCode.Created);
        await c.PatchJsonAsync($"{Devices}/{serial}", new { room_id = room.Id }).ExpectAsync(HttpStatusCode.OK);

        await c.PatchJsonAsync($"{Devices}/{serial}", new { org_id = target.Id }).ExpectProblemAsync(HttpStatusCode.NotFound);

        var moved = await Api.PatchDeviceAsync(serial, new { org_id = target.Id });
        Assert.Equal(target.Id, moved.Str("org_id"));
        Assert.Equal(JsonValueKind.Null, moved.GetProperty("room_id").ValueKind);
        await c.GetAsync($"{Devices}/{serial}").ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Patch_TenantIdOfAnOrgAdmin_Returns400()
    {
        var (org, c) = await OrgWithKeyAsync();
        var admin = await Api.CreateUserAsync(org.Id, "org_admin");
        var serial = Unique.Serial();
        await c.PostJsonAsync($"{Devices}/register", Reg(serial)).ExpectAsync(HttpStatusCode.Created);
        await c.PatchJsonAsync($"{Devices}/{serial}", new { tenant_id = admin.Id }).ExpectProblemAsync(HttpStatusCode.BadRequest);
        await c.PatchJsonAsync($"{Devices}/{serial}", new { tags = Enumerable.Range(0, 33).Select(i => $"t{i}").ToArray() }).ExpectProblemAsync(HttpStatusCode.BadRequest);
        await c.PatchJsonAsync($"{Devices}/{serial}", new { tags = new[] { new string('x', 65) } }).ExpectProblemAsync(HttpStatusCode.BadRequest);
        await c.PatchJsonAsync($"{Devices}/{serial}", new { org_id = (string?)null }).ExpectProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("?force=yes")]
    [InlineData("?force=1x")]
    public async Task Delete_BadForceValue_Returns400(string query)
    {
        var (_, c) = await OrgWithKeyAsync();
        var serial = Unique.Serial();
        await c.PostJsonAsync($"{Devices}/register", Reg(serial)).ExpectAsync(HttpStatusCode.Created);
        await c.DeleteAsync($"{Devices}/{serial}{query}").ExpectProblemAsync(HttpStatusCode.BadRequest);
        await c.GetAsync($"{Devices}/{serial}").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Register_OverlongFields_Return400()
    {
        var (_, c) = await OrgWithKeyAsync();
        await c.PostJsonAsync($"{Devices}/register", Reg(Unique.Serial(), productType: new string('p', 65))).ExpectProblemAsync(HttpStatusCode.BadRequest);
        await c.PostJsonAsync($"{Devices}/register", Reg(Unique.Serial(), fw: new string('1', 65))).ExpectProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Delete_NeverSeenDevice_Returns200AndIsGone()
    {
        var (_, c) = await OrgWithKeyAsync();
        var serial = Unique.Serial();
        await c.PostJsonAsync($"{Devices}/register", Reg(serial)).ExpectAsync(HttpStatusCode.Created);

        var r = await c.DeleteAsync($"{Devices}/{serial}").ExpectAsync(HttpStatusCode.OK);
        Assert.True(r.GetProperty("deleted").GetBoolean());
        Assert.Equal(serial, r.Str("serial_no"));
        await c.GetAsync($"{Devices}/{serial}").ExpectProblemAsync(HttpStatusCode.NotFound);
        await c.DeleteAsync($"{Devices}/{serial}").ExpectProblemAsync(HttpStatusCode.NotFound);
        // The serial is free again: registering it afresh issues a new secret.
        var again = await c.PostJsonAsync($"{Devices}/register", Reg(serial)).ExpectAsync(HttpStatusCode.Created);
        Assert.StartsWith("ds_", again.Str("device_secret"));
    }

    /// <summary>
    /// No ingestion path exists in the foundation, so "seen" is arranged in the database (EcApi.MarkSeenAsync); the
    /// online window itself is driven by the fake clock.
    /// </summary>
    [Fact]
    public async Task Delete_DeviceSeenWithinFiveMinutes_Returns409_UnlessForced_OrOnceOffline()
    {
        var (_, c) = await OrgWithKeyAsync();
        var a = Unique.Serial("ONLINE");
        var b = Unique.Serial("ONLINE");
        await c.PostJsonAsync($"{Devices}/register", Reg(a)).ExpectAsync(HttpStatusCode.Created);
        await c.PostJsonAsync($"{Devices}/register", Reg(b)).ExpectAsync(HttpStatusCode.Created);
        await Api.MarkSeenAsync(a);
        await Api.MarkSeenAsync(b, Server.Clock.GetUtcNow() - TimeSpan.FromMinutes(4));

        var p = await c.DeleteAsync($"{Devices}/{a}").ExpectProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Contains("force=true", p.Str("detail"));
        await c.DeleteAsync($"{Devices}/{b}").ExpectProblemAsync(HttpStatusCode.Conflict);
        await c.DeleteAsync($"{Devices}/{a}?force=false").ExpectProblemAsync(HttpStatusCode.Conflict);

        await c.DeleteAsync($"{Devices}/{a}?force=true").ExpectAsync(HttpStatusCode.OK);

        Server.Clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1)); // b: last seen 5 min 1 s ago
        await c.DeleteAsync($"{Devices}/{b}").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Delete_AfterTelemetryOverHttps_Returns409_UntilFiveMinutesOfSilence()
    {
        var (_, c) = await OrgWithKeyAsync();
        var serial = Unique.Serial("TELE");
        var secret = (await c.PostJsonAsync($"{Devices}/register", Reg(serial)).ExpectAsync(HttpStatusCode.Created)).Str("device_secret");
        using var device = Api.Client(null);
        var push = new HttpRequestMessage(HttpMethod.Post, $"{Devices}/{serial}/telemetry")
        {
            Content = new StringContent("{\"temp\":24.5,\"hum\":60}", System.Text.Encoding.UTF8, "application/json"),
        };
        push.Headers.Add("X-Device-Secret", secret);
        await (await device.SendAsync(push)).ExpectAsync(HttpStatusCode.OK);

        var d = await c.GetAsync($"{Devices}/{serial}").ExpectAsync(HttpStatusCode.OK);
        Assert.True(d.GetProperty("online").GetBoolean());
        await c.DeleteAsync($"{Devices}/{serial}").ExpectProblemAsync(HttpStatusCode.Conflict);

        Server.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var later = await c.GetAsync($"{Devices}/{serial}").ExpectAsync(HttpStatusCode.OK);
        Assert.False(later.GetProperty("online").GetBoolean());
        await c.DeleteAsync($"{Devices}/{serial}").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task RotateSecret_IssuesNewSecret_OldOneStopsWorking()
    {
        var (_, c) = await OrgWithKeyAsync();
        var serial = Unique.Serial();
        var d = await c.PostJsonAsync($"{Devices}/register", Reg(serial)).ExpectAsync(HttpStatusCode.Created);
        var oldSecret = d.Str("device_secret");
        var store = Server.Services.GetRequiredService<DeviceStore>();
        Assert.NotNull(await store.AuthenticateAsync(serial, oldSecret, CancellationToken.None));

        var r = await c.PostAsync($"{Devices}/{serial}/secret/rotate", null).ExpectAsync(HttpStatusCode.OK);

        var newSecret = r.Str("device_secret");
        Assert.Equal(serial, r.Str("serial_no"));
        Assert.NotEqual(oldSecret, newSecret);
        Assert.Null(await store.AuthenticateAsync(serial, oldSecret, CancellationToken.None));
        Assert.NotNull(await store.AuthenticateAsync(serial, newSecret, CancellationToken.None));
        await c.PostAsync($"{Devices}/NO-SUCH-{serial}/secret/rotate", null).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Secrets_AreStoredHashed()
    {
        var (_, c) = await OrgWithKeyAsync();
        var serial = Unique.Serial();
        var secret = (await c.PostJsonAsync($"{Devices}/register", Reg(serial)).ExpectAsync(HttpStatusCode.Created)).Str("device_secret");
        await using var conn = await Server.Database.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT secret_hash FROM devices WHERE serial_no = '{serial}'";
        var stored = (string?)await cmd.ExecuteScalarAsync();
        Assert.NotNull(stored);
        Assert.DoesNotContain(secret, stored);
        Assert.Equal(64, stored.Length);
    }
}

public sealed class DevicesApiTests_Sqlite(EcServerFactory server) : DevicesApiTests<EcServerFactory>(server);

[Collection(PostgresCollection.Name)]
public sealed class DevicesApiTests_Postgres(PostgresServerFactory server) : DevicesApiTests<PostgresServerFactory>(server);
