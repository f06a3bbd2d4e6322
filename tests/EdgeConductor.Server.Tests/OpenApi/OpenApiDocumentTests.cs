using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeConductor.Server.Devices;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace EdgeConductor.Server.Tests.OpenApi;

/// <summary>
/// /openapi/v1.json is a document clients can be generated from (issue 14): it parses and validates with Microsoft.OpenApi,
/// every route the app maps under /api/v1 is in it, every operation documents its success body, its errors as
/// problem+json and its security, and real responses of the running server conform to the documented schemas
/// (<see cref="OpenApiSchemaCheck"/>, JsonSchema.Net).
/// </summary>
public sealed partial class OpenApiDocumentTests(EcServerFactory server) : IClassFixture<EcServerFactory>
{
    /// <summary>2xx statuses that carry no body where they are used (204 No Content, 304 Not Modified).</summary>
    private static readonly HashSet<string> BodylessSuccess = ["204", "304"];

    [GeneratedRegex(@"\{([^}:=?]+)[^}]*\}")]
    private static partial Regex RouteParameter();

    private async Task<string> DocumentTextAsync()
    {
        using var c = server.Api.Client(null);
        var r = await c.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return await r.Content.ReadAsStringAsync();
    }

    private async Task<JsonNode> DocumentAsync() => JsonNode.Parse(await DocumentTextAsync())!;

    private static IEnumerable<(string Method, string Path, JsonObject Operation)> Operations(JsonNode doc)
    {
        foreach (var (path, item) in doc["paths"]!.AsObject())
            foreach (var (method, operation) in item!.AsObject())
                if (operation is JsonObject o) yield return (method.ToUpperInvariant(), path, o);
    }

    /// <summary>The API routes the app really maps (method, path as the document writes it, endpoint), documented or not.</summary>
    private List<(string Method, string Path, RouteEndpoint Endpoint)> MappedApiRoutes()
    {
        var routes = new List<(string, string, RouteEndpoint)>();
        foreach (var endpoint in server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var raw = endpoint.RoutePattern.RawText ?? "";
            if (!raw.StartsWith("/api/v1", StringComparison.Ordinal)) continue;
            var path = RouteParameter().Replace(raw, "{$1}").TrimEnd('/');
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"])
                routes.Add((method, path, endpoint));
        }
        return routes;
    }

    [Fact]
    public async Task Document_ParsesWithMicrosoftOpenApi_AndHasNoValidationErrors()
    {
        var result = OpenApiDocument.Parse(await DocumentTextAsync(), OpenApiConstants.Json);
        Assert.Empty(result.Diagnostic?.Errors ?? []);
        Assert.NotNull(result.Document);
        var errors = result.Document!.Validate(ValidationRuleSet.GetDefaultRuleSet()) ?? [];
        Assert.True(!errors.Any(), string.Join("\n", errors.Select(e => $"{e.Pointer}: {e.Message}")));
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, result.Diagnostic!.SpecificationVersion);
        Assert.True(result.Document.Paths.Count > 50, "the document lists the API");
    }

    [Fact]
    public async Task EveryMappedApiRoute_IsInTheDocument()
    {
        var doc = await DocumentAsync();
        var documented = Operations(doc).Select(o => $"{o.Method} {o.Path}").ToHashSet();
        var routes = MappedApiRoutes();
        Assert.True(routes.Count > 50, "the route enumeration finds the API");
        var missing = routes.Select(r => $"{r.Method} {r.Path}").Where(r => !documented.Contains(r)).ToList();
        Assert.True(missing.Count == 0, "Mapped but not in /openapi/v1.json (map it with a tag, .Produces and .ProducesProblem):\n"
            + string.Join("\n", missing));
    }

    [Fact]
    public async Task EveryOperation_HasSummaryTagSuccessBodyAndProblemErrors()
    {
        var doc = await DocumentAsync();
        var failures = new List<string>();
        foreach (var (method, path, op) in Operations(doc))
        {
            var name = $"{method} {path}";
            if (string.IsNullOrWhiteSpace(op["summary"]?.GetValue<string>())) failures.Add($"{name}: no summary");
            if (op["tags"] is not JsonArray { Count: > 0 }) failures.Add($"{name}: no tag");
            var responses = op["responses"]!.AsObject();
            var success = responses.Where(r => r.Key.StartsWith('2') || r.Key == "304").ToList();
            if (success.Count == 0) failures.Add($"{name}: no 2xx response");
            foreach (var (status, response) in success)
                if (!BodylessSuccess.Contains(status) && response?["content"] is not JsonObject { Count: > 0 } content)
                    failures.Add($"{name}: {status} has no body schema");
                else if (!BodylessSuccess.Contains(status) && response!["content"]!.AsObject().Any(m => m.Value?["schema"] is null))
                    failures.Add($"{name}: {status} has a media type without schema");
            foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5'))
            {
                var schema = response?["content"]?["application/problem+json"]?["schema"];
                if (schema?["$ref"]?.GetValue<string>() != "#/components/schemas/ProblemDetails")
                    failures.Add($"{name}: {status} is not application/problem+json ProblemDetails");
            }
            if (!responses.ContainsKey("429")) failures.Add($"{name}: no 429");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        var problem = doc["components"]!["schemas"]!["ProblemDetails"]!;
        Assert.Contains("code", problem["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.NotNull(problem["properties"]!["errors"]);
    }

    [Fact]
    public async Task Security_IsBearerEverywhereButTheAnonymousRoutes_AndDeviceRoutesAlsoTakeTheDeviceSecret()
    {
        var doc = await DocumentAsync();
        var schemes = doc["components"]!["securitySchemes"]!;
        Assert.Equal("http", schemes["bearer"]!["type"]!.GetValue<string>());
        Assert.Equal("bearer", schemes["bearer"]!["scheme"]!.GetValue<string>());
        Assert.Equal("apiKey", schemes["deviceSecret"]!["type"]!.GetValue<string>());
        Assert.Equal("header", schemes["deviceSecret"]!["in"]!.GetValue<string>());
        Assert.Equal("X-Device-Secret", schemes["deviceSecret"]!["name"]!.GetValue<string>());

        var operations = Operations(doc).ToDictionary(o => $"{o.Method} {o.Path}", o => o.Operation);
        var failures = new List<string>();
        foreach (var (method, path, endpoint) in MappedApiRoutes())
        {
            if (!operations.TryGetValue($"{method} {path}", out var op)) continue; // EveryMappedApiRoute_IsInTheDocument reports it
            var schemesOf = (op["security"] as JsonArray ?? []).SelectMany(r => r!.AsObject().Select(kv => kv.Key)).Order().ToList();
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var device = endpoint.Metadata.GetMetadata<DeviceCredentialEndpoint>() is not null;
            string[] expected = !anonymous ? ["bearer"] : device ? ["bearer", "deviceSecret"] : [];
            if (!schemesOf.SequenceEqual(expected))
                failures.Add($"{method} {path}: security [{string.Join(",", schemesOf)}], expected [{string.Join(",", expected)}]");
            if ((!anonymous || device) && !op["responses"]!.AsObject().ContainsKey("401")) failures.Add($"{method} {path}: no 401");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        // The anonymous ones are few and known: login, refresh, the signed firmware download, the sign-in page's branding
        // lookup, and checking / registering through a one-time room claim link (the token is the credential).
        var anonymousOps = Operations(doc).Where(o => o.Path.StartsWith("/api/v1", StringComparison.Ordinal) && o.Operation["security"] is null)
            .Select(o => $"{o.Method} {o.Path}").Order().ToList();
        Assert.Equal(["GET /api/v1/branding", "GET /api/v1/firmware/{id}/download", "POST /api/v1/auth/login", "POST /api/v1/auth/refresh",
            "POST /api/v1/room-claims/check", "POST /api/v1/room-claims/register"], anonymousOps);
    }

    [Fact]
    public async Task Schemas_AreWireShaped_NumbersRequiredFormatsAndSnakeCase()
    {
        var doc = await DocumentAsync();
        var schemas = doc["components"]!["schemas"]!.AsObject();
        var failures = new List<string>();
        foreach (var (name, schema) in schemas)
            foreach (var (prop, p) in schema!["properties"]?.AsObject() ?? [])
            {
                if (prop != prop.ToLowerInvariant() || prop.Contains('-')) failures.Add($"{name}.{prop}: not snake_case");
                var types = p?["type"] switch { JsonArray a => a.Select(t => t!.GetValue<string>()).ToList(), JsonValue v => [v.GetValue<string>()], _ => [] };
                if ((types.Contains("integer") || types.Contains("number")) && types.Contains("string")) failures.Add($"{name}.{prop}: number or string");
            }
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        var device = schemas["DeviceDto"]!;
        var required = device["required"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Contains("serial_no", required);
        Assert.Contains("created_at", required);
        Assert.DoesNotContain("fw_version", required); // string? → optional
        Assert.DoesNotContain("device_secret", required); // only in the answer that created the device
        Assert.Equal("uuid", device["properties"]!["id"]!["format"]!.GetValue<string>());
        Assert.Equal("date-time", device["properties"]!["created_at"]!["format"]!.GetValue<string>());
        Assert.Equal("int64", device["properties"]!["shadow_version"]!["format"]!.GetValue<string>());
        Assert.Equal("integer", device["properties"]!["shadow_version"]!["type"]!.GetValue<string>());
        // Requests: nullable members are optional unless marked [Required] (the handler answers 400 naming them);
        // the body itself is required and not null.
        Assert.Equal(["product_type", "serial_no"], schemas["RegisterRequest"]!["required"]!.AsArray().Select(n => n!.GetValue<string>()).Order());
        Assert.Null(schemas["CreateRoomRequest"]!["required"]?.AsArray().FirstOrDefault(n => n!.GetValue<string>() == "floor"));
        var register = doc["paths"]!["/api/v1/devices/register"]!["post"]!["requestBody"]!;
        Assert.True(register["required"]!.GetValue<bool>());
        Assert.Equal("#/components/schemas/RegisterRequest", register["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
    }

    [Fact]
    public async Task Examples_FromSeed000_AreOnTheMainOperations_AndConformToTheirSchemas()
    {
        var check = new OpenApiSchemaCheck(await DocumentAsync());
        foreach (var (key, where, json) in EdgeConductor.Server.OpenApi.OperationExamples.All())
        {
            var (method, path) = (key.Split(' ')[0], key.Split(' ')[1]);
            var media = where == "request"
                ? check.Document["paths"]![path]![method.ToLowerInvariant()]!["requestBody"]!["content"]!["application/json"]!
                : check.Document["paths"]![path]![method.ToLowerInvariant()]!["responses"]![where]!["content"]!["application/json"]!;
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), media["example"]), $"{key} {where}: example not in the document");
            var errors = check.Errors(media["schema"]!, media["example"]);
            Assert.True(errors.Count == 0, $"{key} {where}: example does not match the schema:\n{string.Join("\n", errors)}");
        }
        var telemetry = check.Document["paths"]!["/api/v1/devices/{serial}/telemetry"]!["post"]!["requestBody"]!["content"]!;
        Assert.NotNull(telemetry["application/x-ndjson"]);
    }

    [Fact]
    public async Task SchemaCheck_RejectsABodyThatDoesNotMatch()
    {
        // The conformance test below can fail: a device without its required fields, or with a non-UUID id, is refused.
        var check = new OpenApiSchemaCheck(await DocumentAsync());
        var schema = check.ResponseSchema("GET", "/api/v1/devices/{serial}", 200, "application/json");
        var device = JsonNode.Parse(
            """{"id":"0193a1f2-7c4e-7d2a-9b1e-5f0c2d3e4a50","serial_no":"X-1","product_type":"P","tags":[],"shadow_reported":{},"shadow_desired":{},"shadow_version":0,"online":false,"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}""")!;
        Assert.Empty(check.Errors(schema, device));
        var missing = device.DeepClone().AsObject();
        missing.Remove("serial_no");
        Assert.NotEmpty(check.Errors(schema, missing));
        var badId = device.DeepClone().AsObject();
        badId["id"] = "not-a-uuid";
        Assert.NotEmpty(check.Errors(schema, badId));
        var badNumber = device.DeepClone().AsObject();
        badNumber["shadow_version"] = "0";
        Assert.NotEmpty(check.Errors(schema, badNumber));
    }

    [Fact]
    public async Task RealResponses_ConformToTheDocumentedSchemas()
    {
        var check = new OpenApiSchemaCheck(await DocumentAsync());
        var org = await server.Api.CreateOrgAsync();
        var key = await server.Api.CreateApiKeyAsync(org.Id);
        using var c = server.Api.Client(key.Key);
        const string b = EcApi.Base;

        // Devices: register (201 with the secret), register again (200), list, get.
        var serial = Unique.Serial();
        var created = await check.AssertConformsAsync("POST", "/api/v1/devices/register",
            await c.PostJsonAsync($"{b}/devices/register", new { serial_no = serial, product_type = "EC-CLIMATE-V1", fw_version = "1.0.0" }));
        var secret = created!["device_secret"]!.GetValue<string>();
        var again = await c.PostJsonAsync($"{b}/devices/register", new { serial_no = serial, product_type = "EC-CLIMATE-V1" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        await check.AssertConformsAsync("POST", "/api/v1/devices/register", again);
        await check.AssertConformsAsync("GET", "/api/v1/devices", await c.GetAsync($"{b}/devices"));
        await check.AssertConformsAsync("GET", "/api/v1/devices/{serial}", await c.GetAsync($"{b}/devices/{serial}"));

        // Telemetry pushed by the device itself (X-Device-Secret), then read back.
        using (var device = server.Api.Client(null))
        {
            var push = new HttpRequestMessage(HttpMethod.Post, $"{b}/devices/{serial}/telemetry")
            {
                Content = new StringContent("""{"temp":24.5,"hum":60,"co2":850,"bat":4.1}""", new MediaTypeHeaderValue("application/json")),
            };
            push.Headers.Add("X-Device-Secret", secret);
            var pushed = await device.SendAsync(push);
            Assert.Equal(HttpStatusCode.OK, pushed.StatusCode);
            await check.AssertConformsAsync("POST", "/api/v1/devices/{serial}/telemetry", pushed);
        }
        var recent = await check.AssertConformsAsync("GET", "/api/v1/devices/{serial}/telemetry/recent",
            await c.GetAsync($"{b}/devices/{serial}/telemetry/recent"));
        Assert.NotEmpty(recent!.AsArray()); // the reading is there, so its shape was checked too
        await check.AssertConformsAsync("GET", "/api/v1/devices/{serial}/telemetry", await c.GetAsync($"{b}/devices/{serial}/telemetry?hours=1"));
        await check.AssertConformsAsync("GET", "/api/v1/devices/{serial}/telemetry/latest", await c.GetAsync($"{b}/devices/{serial}/telemetry/latest"));

        // Shadow, commands, rules, firmware, OTA jobs, audit, API keys, me, orgs, rooms.
        await check.AssertConformsAsync("PATCH", "/api/v1/devices/{serial}/shadow/desired",
            await c.PatchJsonAsync($"{b}/devices/{serial}/shadow/desired", new { relay = true, setpoint = 22 }));
        await check.AssertConformsAsync("GET", "/api/v1/devices/{serial}/shadow", await c.GetAsync($"{b}/devices/{serial}/shadow"));
        await check.AssertConformsAsync("POST", "/api/v1/devices/{serial}/reboot", await c.PostAsync($"{b}/devices/{serial}/reboot", null));
        await check.AssertConformsAsync("GET", "/api/v1/devices/{serial}/commands", await c.GetAsync($"{b}/devices/{serial}/commands"));
        await check.AssertConformsAsync("POST", "/api/v1/orgs/{orgId}/rules", await c.PostJsonAsync($"{b}/orgs/{org.Id}/rules", new
        {
            name = "CO2 High Alert", rule_type = "threshold",
            condition = new { field = "co2", op = ">", value = 1000 }, action = new { key = "relay", value = true },
        }));
        var rules = await check.AssertConformsAsync("GET", "/api/v1/orgs/{orgId}/rules", await c.GetAsync($"{b}/orgs/{org.Id}/rules"));
        Assert.NotEmpty(rules!.AsArray());
        await check.AssertConformsAsync("GET", "/api/v1/firmware", await c.GetAsync($"{b}/firmware"));
        await check.AssertConformsAsync("GET", "/api/v1/ota-jobs", await c.GetAsync($"{b}/ota-jobs"));
        var audit = await check.AssertConformsAsync("GET", "/api/v1/orgs/{orgId}/audit", await c.GetAsync($"{b}/orgs/{org.Id}/audit"));
        Assert.NotEmpty(audit!.AsArray());
        await check.AssertConformsAsync("GET", "/api/v1/auth/me", await c.GetAsync($"{b}/auth/me"));
        await check.AssertConformsAsync("GET", "/api/v1/orgs/{orgId}", await c.GetAsync($"{b}/orgs/{org.Id}"));
        await check.AssertConformsAsync("POST", "/api/v1/orgs/{orgId}/rooms", await c.PostJsonAsync($"{b}/orgs/{org.Id}/rooms", new { name = "Lab" }));
        await check.AssertConformsAsync("GET", "/api/v1/orgs/{orgId}/rooms", await c.GetAsync($"{b}/orgs/{org.Id}/rooms"));
        using (var admin = await server.Api.AdminClientAsync())
        {
            await check.AssertConformsAsync("GET", "/api/v1/orgs/{orgId}/api-keys", await admin.GetAsync($"{b}/orgs/{org.Id}/api-keys"));
            await check.AssertConformsAsync("GET", "/api/v1/orgs", await admin.GetAsync($"{b}/orgs"));
        }
        using (var anonymous = server.Api.Client(null))
            await check.AssertConformsAsync("POST", "/api/v1/auth/login", await anonymous.PostJsonAsync($"{b}/auth/login",
                new { email = server.Options.AdminEmail, password = server.Options.AdminPassword }));

        // Errors: a 400 naming the field, a 404, a 401, a 409 — all the one problem schema.
        var bad = await c.PostJsonAsync($"{b}/devices/register", new { product_type = "EC-CLIMATE-V1" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await check.AssertConformsAsync("POST", "/api/v1/devices/register", bad);
        Assert.NotNull(problem!["errors"]?["serial_no"]);
        var notFound = await c.GetAsync($"{b}/devices/NOPE-404");
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        await check.AssertConformsAsync("GET", "/api/v1/devices/{serial}", notFound);
        using (var nobody = server.Api.Client(null))
        {
            var unauthorized = await nobody.GetAsync($"{b}/devices");
            Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
            await check.AssertConformsAsync("GET", "/api/v1/devices", unauthorized);
        }
        var otherOrg = await server.Api.CreateOrgAsync();
        var taken = await server.Api.RegisterDeviceAsync(otherOrg.Id);
        var conflict = await c.PostJsonAsync($"{b}/devices/register", new { serial_no = taken.SerialNo, product_type = "EC-CLIMATE-V1" });
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        await check.AssertConformsAsync("POST", "/api/v1/devices/register", conflict);
    }
}
