using System.Net;
using System.Text.Json.Nodes;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Telemetry.Tests.Shadow;

/// <summary>
/// Nested shadow state with AWS IoT Device Shadow semantics: recursive merge, null removes exactly that member (an emptied
/// object disappears, nulls are never stored), recursive delta, per-leaf metadata, arrays replaced whole, nested reported
/// values over MQTT and HTTPS, depth and duplicate-key refusals. Expectations are computed by hand.
/// </summary>
public abstract class NestedShadowTestsBase(ServerFixture fixture)
{
    private EcServer Server => fixture.Server;

    private static Task<JsonNode> PatchAsync(TestDevice d, string body, HttpStatusCode status = HttpStatusCode.OK, string? ifMatch = null) =>
        d.Org.Http.PatchRawAsync($"devices/{d.Serial}/shadow/desired", body, ifMatch).ExpectAsync(status);

    private static Task<JsonNode> ShadowAsync(TestDevice d) => d.Org.GetAsync($"devices/{d.Serial}/shadow");

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}, got {actual?.ToJsonString()}");

    [Fact]
    public async Task DesiredPatches_MergeRecursively_NullRemovesOnlyThatMember_EmptiedObjectsDisappear()
    {
        var d = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        var s1 = await PatchAsync(d, """{"a":{"x":1,"y":2},"mode":"auto"}""");
        AssertJson("""{"a":{"x":1,"y":2},"mode":"auto"}""", s1["desired"]);

        var s2 = await PatchAsync(d, """{"a":{"x":null}}""");
        AssertJson("""{"a":{"y":2},"mode":"auto"}""", s2["desired"]);       // y kept, no literal null stored

        var s3 = await PatchAsync(d, """{"a":{"z":3}}""");
        AssertJson("""{"a":{"y":2,"z":3},"mode":"auto"}""", s3["desired"]); // merged, not replaced

        var s4 = await PatchAsync(d, """{"a":{"y":null,"z":null},"b":{"c":{"d":null}}}""");
        AssertJson("""{"mode":"auto"}""", s4["desired"]);                    // a emptied → gone; b built only of nulls → never created

        var s5 = await PatchAsync(d, """{"list":[1,2,3],"deep":{"l":[{"k":1}]}}""");
        var s6 = await PatchAsync(d, """{"list":[9],"deep":{"l":[]}}""");
        AssertJson("""{"mode":"auto","list":[9],"deep":{"l":[]}}""", s6["desired"]); // arrays are values: replaced whole
        Assert.Equal(s5["version"]!.GetValue<long>() + 1, s6["version"]!.GetValue<long>());

        var s7 = await PatchAsync(d, """{"mode":{"kind":"eco"}}""");          // a leaf replaced by an object, and back
        AssertJson("""{"kind":"eco"}""", s7["desired"]!["mode"]);
        var s8 = await PatchAsync(d, """{"mode":"off"}""");
        Assert.Equal("off", s8["desired"]!["mode"]!.GetValue<string>());
        Assert.DoesNotContain("null", (await ShadowAsync(d))["desired"]!.ToJsonString());
    }

    [Fact]
    public async Task Delta_IsRecursive_OnlyDifferingLeaves_AndANestedReportClearsIt_OverMqttAndHttps()
    {
        var d = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        await PatchAsync(d, """{"hvac":{"mode":"cool","setpoint":21,"fan":{"speed":2,"auto":true}},"relay":true,"zones":[1,2]}""");
        var published = await Mosquitto.PublishAsync(d, "shadow/reported", """{"hvac":{"mode":"cool","setpoint":19,"fan":{"speed":2}},"zones":[1,2]}""", 1, 5);
        Assert.True(published.ExitCode == 0 && published.Stdout.Contains("RC:0"), published.ToString());

        var shadow = await ShadowAsync(d);
        AssertJson("""{"hvac":{"mode":"cool","setpoint":19,"fan":{"speed":2}},"zones":[1,2]}""", shadow["reported"]);
        AssertJson("""{"hvac":{"setpoint":21,"fan":{"auto":true}},"relay":true}""", shadow["delta"]);

        // Per-leaf metadata mirrors the documents.
        Assert.NotNull(shadow["metadata"]!["desired"]!["hvac"]!["fan"]!["auto"]!["timestamp"]);
        Assert.NotNull(shadow["metadata"]!["reported"]!["hvac"]!["setpoint"]!["timestamp"]);
        Assert.NotNull(shadow["metadata"]!["reported"]!["zones"]!["timestamp"]);

        // A polling device reports over HTTPS (telemetry with a nested value); the delta empties.
        using var anon = Server.Http();
        await anon.PostRawAsync($"devices/{d.Serial}/telemetry", """{"hvac":{"setpoint":21,"fan":{"auto":true}},"relay":true}""", d.Secret)
            .ExpectAsync(HttpStatusCode.OK);
        var after = await ShadowAsync(d);
        AssertJson("{}", after["delta"]);
        AssertJson("""{"hvac":{"mode":"cool","setpoint":21,"fan":{"speed":2,"auto":true}},"zones":[1,2],"relay":true}""", after["reported"]);

        // A device removes one nested reported member with null.
        var removed = await Mosquitto.PublishAsync(d, "shadow/reported", """{"hvac":{"fan":{"speed":null}}}""", 1, 5);
        Assert.Equal(0, removed.ExitCode);
        var last = await ShadowAsync(d);
        AssertJson("""{"auto":true}""", last["reported"]!["hvac"]!["fan"]);
        AssertJson("""{"hvac":{"fan":{"speed":2}}}""", last["delta"]);
    }

    [Fact]
    public async Task AnOlderBufferedNestedReport_NeverOverwritesANewerLeaf()
    {
        var d = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        var now = DateTimeOffset.UtcNow;
        using var anon = Server.Http();
        await anon.PostRawAsync($"devices/{d.Serial}/telemetry", $$"""{"gps":{"lat":48.1,"lon":11.5},"ts":{{now.AddMinutes(-1).ToUnixTimeMilliseconds()}}}""", d.Secret)
            .ExpectAsync(HttpStatusCode.OK);
        await anon.PostRawAsync($"devices/{d.Serial}/telemetry", $$"""{"gps":{"lat":40.0,"alt":500},"ts":{{now.AddHours(-1).ToUnixTimeMilliseconds()}}}""", d.Secret)
            .ExpectAsync(HttpStatusCode.OK);
        AssertJson("""{"lat":48.1,"lon":11.5,"alt":500}""", (await ShadowAsync(d))["reported"]!["gps"]); // alt had no newer value
    }

    [Theory]
    [InlineData("""{"a":{"b":{"c":{"d":{"e":{"f":{"g":1}}}}}}}""", "a.b.c.d.e.f")]
    [InlineData("""{"relay":true,"relay":false}""", "relay")]
    [InlineData("""{"hvac":{"mode":"cool","mode":"heat"}}""", "hvac.mode")]
    [InlineData("""{"hvac":{"bad key":1}}""", "hvac.bad key")]
    [InlineData("""{"list":[1,null]}""", "list[1]")]
    [InlineData("""{"relay":true,"version":1,"version":1}""", "version")]
    public async Task BadDesiredPatch_Is400NamingTheField_AndChangesNothing(string body, string field)
    {
        var d = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        var problem = await PatchAsync(d, body, HttpStatusCode.BadRequest);
        Assert.Contains(field, problem["detail"]!.GetValue<string>());
        Assert.Equal(0, (await ShadowAsync(d))["version"]!.GetValue<long>());
    }

    [Fact]
    public async Task SixLevels_AreAccepted()
    {
        var d = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        var s = await PatchAsync(d, """{"a":{"b":{"c":{"d":{"e":{"f":1}}}}}}""");
        Assert.Equal(1, s["desired"]!["a"]!["b"]!["c"]!["d"]!["e"]!["f"]!.GetValue<int>());
    }

    [Fact]
    public async Task TooDeepReport_OverMqttV5_IsPubAck0x99_AndNothingIsStored()
    {
        var d = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        var r = await Mosquitto.PublishAsync(d, "shadow/reported", """{"a":{"b":{"c":{"d":{"e":{"f":{"g":1}}}}}}}""", 1, 5);
        Assert.Contains("RC:153", r.Stdout);
        Assert.Empty((await ShadowAsync(d))["reported"]!.AsObject());
    }

    [Fact]
    public async Task DesiredDocumentOverTheSizeLimit_Is400_AndChangesNothing()
    {
        var d = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        // Three patches of ~6 KB each fit the 8 KB patch limit; the third would take the document past 16 KB.
        string Chunk(string key) =>
            "{\"" + key + "\":{" + string.Join(',', Enumerable.Range(0, 24).Select(i => $"\"s{i}\":\"{new string('x', 240)}\"")) + "}}";
        await PatchAsync(d, Chunk("p1"));
        await PatchAsync(d, Chunk("p2"));
        var problem = await PatchAsync(d, Chunk("p3"), HttpStatusCode.BadRequest);
        Assert.Contains("16384", problem["detail"]!.GetValue<string>());
        var shadow = await ShadowAsync(d);
        Assert.Equal(2, shadow["desired"]!.AsObject().Count);
        Assert.Equal(2, shadow["version"]!.GetValue<long>());
    }

    [Fact]
    public async Task StaleIfMatch_Is412_EvenWithACurrentBodyVersion_StaleBodyVersion_Is409()
    {
        var d = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        var v = (await PatchAsync(d, """{"relay":true}"""))["version"]!.GetValue<long>();
        await PatchAsync(d, """{"relay":false}""");                                       // now v + 1

        // The case: a stale If-Match is not ignored because the body carries a (current) version.
        var p412 = await PatchAsync(d, $$"""{"relay":"x","version":{{v + 1}}}""", HttpStatusCode.PreconditionFailed, ifMatch: $"\"{v}\"");
        Assert.Equal("PRECONDITION_FAILED", p412["code"]!.GetValue<string>());
        var p409 = await PatchAsync(d, $$"""{"relay":"x","version":{{v}}}""", HttpStatusCode.Conflict, ifMatch: $"\"{v + 1}\"");
        Assert.Equal("CONFLICT", p409["code"]!.GetValue<string>());
        var shadow = await ShadowAsync(d);
        Assert.False(shadow["desired"]!["relay"]!.GetValue<bool>());
        Assert.Equal(v + 1, shadow["version"]!.GetValue<long>());

        var ok = await PatchAsync(d, $$"""{"relay":true,"version":{{v + 1}}}""", ifMatch: $"W/\"{v + 1}\"");
        Assert.Equal(v + 2, ok["version"]!.GetValue<long>());
    }
}

[Collection(ServerCollection.Name)]
public sealed class NestedShadowTests(ServerFixture fixture) : NestedShadowTestsBase(fixture);

[Collection(PostgresCollection.Name)]
public sealed class PostgresNestedShadowTests(PostgresServerFixture fixture) : NestedShadowTestsBase(fixture);
