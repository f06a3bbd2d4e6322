using System.Net;
using System.Text.Json.Nodes;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Platform.Tests.Rules;

/// <summary>The seed 000 rules contract (paths, snake_case fields) and its validation (400/404 naming the field).</summary>
public sealed class RulesApiTests(RulesServer fixture) : IClassFixture<RulesServer>
{
    private EcServer Server => fixture.Server;

    [Fact]
    public async Task CreateListPatchDelete_FollowTheSeedContract()
    {
        var org = await TestOrg.CreateAsync(Server);
        var created = await org.CreateRuleAsync(new
        {
            name = "CO2 High Alert", rule_type = "threshold",
            condition = new { field = "co2", op = ">", value = 1000 },
            action = new { key = "relay", value = true },
            webhook_url = "https://hooks.example.com/ec",
        });
        var id = created["id"]!.GetValue<string>();
        Assert.Equal(org.Id, created["org_id"]!.GetValue<string>());
        Assert.Equal("threshold", created["rule_type"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"field":"co2","op":">","value":1000}"""), created["condition"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"key":"relay","value":true}"""), created["action"]));
        Assert.Equal("https://hooks.example.com/ec", created["webhook_url"]!.GetValue<string>());
        Assert.True(created["enabled"]!.GetValue<bool>());
        Assert.Null(created["last_fired"]);
        Assert.Equal(0, created["fire_count"]!.GetValue<long>());

        var schedule = await org.CreateRuleAsync(new
        {
            name = "Night shutoff", rule_type = "schedule",
            condition = new { time = "22:00", days = new[] { "fri", "mon", "tue", "wed", "thu" } },
            action = new { key = "relay", value = false },
        });
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"time":"22:00","days":["mon","tue","wed","thu","fri"]}"""), schedule["condition"]));

        var list = (await org.GetAsync($"orgs/{org.Id}/rules")).AsArray();
        Assert.Equal([id, schedule["id"]!.GetValue<string>()], list.Select(r => r!["id"]!.GetValue<string>()).ToArray());

        var disabled = await org.PatchRuleAsync(id, """{"enabled":false}""");
        Assert.False(disabled["enabled"]!.GetValue<bool>());
        var renamed = await org.PatchRuleAsync(id, """{"enabled":true,"name":"CO2 very high","condition":{"field":"co2","op":">=","value":1500}}""");
        Assert.True(renamed["enabled"]!.GetValue<bool>());
        Assert.Equal("CO2 very high", renamed["name"]!.GetValue<string>());
        Assert.Equal(">=", renamed["condition"]!["op"]!.GetValue<string>());

        var deleted = await org.Http.DeleteAsync($"rules/{id}").ExpectAsync(HttpStatusCode.OK);
        Assert.True(deleted["deleted"]!.GetValue<bool>());
        await org.GetAsync($"rules/{id}", HttpStatusCode.NotFound);
        Assert.Single((await org.GetAsync($"orgs/{org.Id}/rules")).AsArray());

        var audit = (await org.GetAsync($"orgs/{org.Id}/audit")).AsArray().Select(e => e!["action"]!.GetValue<string>()).ToList();
        Assert.Contains("rule_created", audit);
        Assert.Contains("rule_updated", audit);
        Assert.Contains("rule_deleted", audit);
    }

    public static TheoryData<string, string> BadRules() => new()
    {
        { """{"name":"x","rule_type":"threshold","condition":{"field":"co2","op":"=>","value":1},"action":{"key":"relay","value":true}}""", "condition.op" },
        { """{"name":"x","rule_type":"threshold","condition":{"field":"co2","op":">","value":"high"},"action":{"key":"relay","value":true}}""", "condition.value" },
        { """{"name":"x","rule_type":"threshold","condition":{"field":"co2.x","op":">","value":1},"action":{"key":"relay","value":true}}""", "condition.field" },
        { """{"name":"x","rule_type":"threshold","condition":{"field":"co2","op":">","value":1,"for_seconds":-1},"action":{"key":"relay","value":true}}""", "condition.for_seconds" },
        { """{"name":"x","rule_type":"threshold","condition":{"field":"co2","op":">","value":1000,"clear_value":1100},"action":{"key":"relay","value":true}}""", "condition.clear_value" },
        { """{"name":"x","rule_type":"threshold","condition":{"field":"co2","op":"==","value":1,"clear_value":0},"action":{"key":"relay","value":true}}""", "condition.clear_value" },
        { """{"name":"x","rule_type":"schedule","condition":{"time":"24:00","days":["mon"]},"action":{"key":"relay","value":true}}""", "condition.time" },
        { """{"name":"x","rule_type":"schedule","condition":{"time":"7:00","days":["mon"]},"action":{"key":"relay","value":true}}""", "condition.time" },
        { """{"name":"x","rule_type":"schedule","condition":{"time":"07:00","days":[]},"action":{"key":"relay","value":true}}""", "condition.days" },
        { """{"name":"x","rule_type":"schedule","condition":{"time":"07:00","days":["monday"]},"action":{"key":"relay","value":true}}""", "condition.days" },
        { """{"name":"x","rule_type":"alarm","condition":{},"action":{"key":"relay","value":true}}""", "rule_type" },
        { """{"rule_type":"threshold","condition":{"field":"co2","op":">","value":1},"action":{"key":"relay","value":true}}""", "name" },
        { """{"name":"x","rule_type":"threshold","condition":{"field":"co2","op":">","value":1},"action":{"key":"re lay","value":true}}""", "action.key" },
        { """{"name":"x","rule_type":"threshold","condition":{"field":"co2","op":">","value":1}}""", "action" },
        { """{"name":"x","rule_type":"threshold","condition":{"field":"co2","op":">","value":1},"action":{"key":"relay","value":true},"webhook_url":"ftp://x/y"}""", "webhook_url" },
        { """{"name":"x","rule_type":"threshold","condition":{"field":"co2","op":">","value":1},"action":{"key":"relay","value":true},"webhook_url":"/relative"}""", "webhook_url" },
        { """{"name":"x","rule_type":"threshold","condition":{"field":"co2","op":">","value":1},"action":{"key":"relay","value":true},"webhook_url":"https://h.example/x","webhook_preset":"teams"}""", "webhook_preset" },
        { """{"name":"x","rule_type":"threshold","condition":{"field":"co2","op":">","value":1},"action":{"key":"relay","value":true},"scope":{"serials":["bad serial!"]}}""", "scope.serials" },
        { """{"name":"x","rule_type":"threshold","condition":{"field":"co2","op":">","value":1},"action":{"key":"relay","value":true},"scope":{"room_id":"no-such-room"}}""", "scope.room_id" },
        { """{"name":"x","rule_type":"threshold","condition":{"field":"co2","op":">","value":1},"action":{"key":"relay","value":true},"colour":"red"}""", "colour" },
    };

    [Theory]
    [MemberData(nameof(BadRules))]
    public async Task InvalidRule_Is400_NamingTheField(string body, string field)
    {
        var org = await TestOrg.CreateAsync(Server);
        using var response = await org.Http.PostAsync($"orgs/{org.Id}/rules", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.True(problem["errors"]?[field] is not null, $"expected errors.{field}: {problem.ToJsonString()}");
        Assert.Empty((await org.GetAsync($"orgs/{org.Id}/rules")).AsArray());
    }

    [Fact]
    public async Task ARuleOfAnotherOrg_Is404_ForEveryRuleEndpoint()
    {
        var a = await TestOrg.CreateAsync(Server);
        var b = await TestOrg.CreateAsync(Server);
        var rule = await a.CreateRuleAsync(RuleCalls.Threshold("co2", ">", 1000));
        var id = rule["id"]!.GetValue<string>();
        await b.GetAsync($"rules/{id}", HttpStatusCode.NotFound);
        await b.PatchRuleAsync(id, """{"enabled":false}""", HttpStatusCode.NotFound);
        await b.Http.DeleteAsync($"rules/{id}").ExpectAsync(HttpStatusCode.NotFound);
        await b.Http.PostJsonAsync($"rules/{id}/test", new { }, HttpStatusCode.NotFound);
        await b.Http.PostJsonAsync($"orgs/{a.Id}/rules", RuleCalls.Threshold("co2", ">", 1), HttpStatusCode.NotFound);
        await b.GetAsync($"orgs/{a.Id}/rules", HttpStatusCode.NotFound);
        // Still there, unchanged, for its own org.
        Assert.True((await a.GetAsync($"rules/{id}"))["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Patch_RefusesRuleTypeChangesAndUnknownFields()
    {
        var org = await TestOrg.CreateAsync(Server);
        var id = (await org.CreateRuleAsync(RuleCalls.Threshold("co2", ">", 1000)))["id"]!.GetValue<string>();
        var p1 = await org.PatchRuleAsync(id, """{"rule_type":"schedule"}""", HttpStatusCode.BadRequest);
        Assert.NotNull(p1["errors"]!["rule_type"]);
        var p2 = await org.PatchRuleAsync(id, """{"enabled":"yes"}""", HttpStatusCode.BadRequest);
        Assert.NotNull(p2["errors"]!["enabled"]);
        var p3 = await org.PatchRuleAsync(id, """{"condition":{"field":"co2","op":"<>","value":1}}""", HttpStatusCode.BadRequest);
        Assert.NotNull(p3["errors"]!["condition.op"]);
    }

    [Fact]
    public async Task OrgTimezone_AcceptsIanaOnly()
    {
        var org = await TestOrg.CreateAsync(Server);
        Assert.Equal("UTC", (await org.GetAsync($"orgs/{org.Id}"))["timezone"]!.GetValue<string>());
        var ok = await org.Http.PatchRawAsync($"orgs/{org.Id}", """{"timezone":"Europe/Berlin"}""").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Europe/Berlin", ok["timezone"]!.GetValue<string>());
        foreach (var bad in new[] { "\"Mars/Olympus\"", "\"W. Europe Standard Time\"", "42" })
        {
            var problem = await org.Http.PatchRawAsync($"orgs/{org.Id}", $$"""{"timezone":{{bad}}}""").ExpectAsync(HttpStatusCode.BadRequest);
            Assert.NotNull(problem["errors"]!["timezone"]);
        }
        Assert.Equal("Europe/Berlin", (await org.GetAsync($"orgs/{org.Id}"))["timezone"]!.GetValue<string>());
    }

    [Fact]
    public async Task OpenApi_DescribesTheRuleEndpoints()
    {
        using var http = new HttpClient { BaseAddress = Server.BaseUri };
        var doc = await http.GetJsonAsync("openapi/v1.json");
        var paths = doc["paths"]!.AsObject();
        foreach (var p in new[] { "/api/v1/orgs/{orgId}/rules", "/api/v1/rules/{ruleId}", "/api/v1/rules/{ruleId}/test" })
            Assert.True(paths.ContainsKey(p), $"OpenAPI lacks {p}");
        Assert.NotNull(paths["/api/v1/orgs/{orgId}/rules"]!["post"]!["responses"]!["201"]);
        Assert.NotNull(paths["/api/v1/orgs/{orgId}/rules"]!["post"]!["responses"]!["400"]);
    }
}
