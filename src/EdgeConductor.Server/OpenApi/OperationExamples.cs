using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace EdgeConductor.Server.OpenApi;

/// <summary>
/// Examples on the main operations, from seed 000 (its "REST API Reference" bodies and the SDK quick start:
/// MY-DEVICE-001, EC-CLIMATE-V1, temp/hum/co2/bat, relay/setpoint, the "CO2 High Alert" rule, "My Key"), keyed
/// "METHOD /path". Also the request body of telemetry push, which its handler reads itself (JSON object, JSON array of
/// readings, or NDJSON), so the generator cannot see it.
/// </summary>
public static class OperationExamples
{
    private const string TelemetryPush = "POST /api/v1/devices/{serial}/telemetry";

    private static readonly Dictionary<string, string> Requests = new(StringComparer.Ordinal)
    {
        ["POST /api/v1/auth/login"] = """{"email":"admin@example.com","password":"correct horse battery staple"}""",
        ["POST /api/v1/devices/register"] = """{"serial_no":"MY-DEVICE-001","product_type":"EC-CLIMATE-V1","fw_version":"1.0.0"}""",
        [TelemetryPush] = """{"temp":24.5,"hum":60,"co2":850,"bat":4.1}""",
        ["PATCH /api/v1/devices/{serial}/shadow/desired"] = """{"relay":true,"setpoint":22}""",
        ["POST /api/v1/devices/{serial}/ota"] = """{"firmware_id":"0193a1f2-7c4e-7d2a-9b1e-5f0c2d3e4a5b"}""",
        ["POST /api/v1/orgs/{orgId}/rules"] = """
            {"name":"CO2 High Alert","rule_type":"threshold","condition":{"field":"co2","op":">","value":1000},
             "action":{"key":"relay","value":true}}
            """,
        ["PATCH /api/v1/rules/{ruleId}"] = """{"enabled":true}""",
        ["POST /api/v1/orgs/{orgId}/api-keys"] = """{"name":"My Key"}""",
        ["POST /api/v1/orgs/{orgId}/rooms"] = """{"name":"Server room","floor":"2","building":"HQ"}""",
    };

    private static readonly Dictionary<(string Key, string Status), string> Responses = new()
    {
        [("POST /api/v1/devices/register", "201")] = """
            {"id":"0193a1f2-7c4e-7d2a-9b1e-5f0c2d3e4a50","serial_no":"MY-DEVICE-001","product_type":"EC-CLIMATE-V1",
             "fw_version":"1.0.0","org_id":"0193a1f2-7c4e-7d2a-9b1e-5f0c2d3e4a51","room_id":null,"tenant_id":null,"tags":[],
             "shadow_reported":{},"shadow_desired":{},"shadow_version":0,"last_seen":null,"online":false,
             "created_at":"2026-06-27T10:00:00Z","updated_at":"2026-06-27T10:00:00Z",
             "device_secret":"returned-once-keep-it-on-the-device","pending_fw_version":null,"pending_fw_url":null}
            """,
        [(TelemetryPush, "200")] = """{"ok":true,"ts":"2026-06-27T10:00:00Z","readings":4,"duplicates":0}""",
    };

    /// <summary>Adds the request example of <paramref name="key"/> (and the telemetry push body) to <paramref name="operation"/>.</summary>
    public static void ApplyRequestBody(string key, OpenApiOperation operation)
    {
        if (key == TelemetryPush && operation.RequestBody is null)
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "One reading (a JSON object of metric → value; an optional \"ts\" ISO-8601 time), an array of "
                    + "readings (a device's buffered batch), or NDJSON (one reading per line, Content-Type: application/x-ndjson).",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new()
                    {
                        Schema = new OpenApiSchema
                        {
                            OneOf =
                            [
                                new OpenApiSchema { Type = JsonSchemaType.Object },
                                new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.Object } },
                            ],
                        },
                    },
                    ["application/x-ndjson"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
                },
            };
        if (Requests.TryGetValue(key, out var json) && operation.RequestBody?.Content is { } content
            && content.TryGetValue("application/json", out var media))
            media.Example = JsonNode.Parse(json);
    }

    /// <summary>Adds the response examples of <paramref name="key"/> to <paramref name="operation"/>.</summary>
    public static void ApplyResponses(string key, OpenApiOperation operation)
    {
        foreach (var ((k, status), json) in Responses)
            if (k == key && operation.Responses?.GetValueOrDefault(status)?.Content is { } content
                && content.TryGetValue("application/json", out var media))
                media.Example = JsonNode.Parse(json);
    }

    /// <summary>Every example, for tests: (key, "request" or the status, JSON).</summary>
    public static IEnumerable<(string Key, string Where, string Json)> All() =>
        Requests.Select(r => (r.Key, "request", r.Value)).Concat(Responses.Select(r => (r.Key.Key, r.Key.Status, r.Value)));
}
