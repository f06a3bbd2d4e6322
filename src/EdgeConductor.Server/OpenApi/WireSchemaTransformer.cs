using System.Reflection;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace EdgeConductor.Server.OpenApi;

/// <summary>
/// Makes every schema describe the JSON on the wire:
/// <list type="bullet">
/// <item>Numbers are numbers. The web serializer defaults also <em>read</em> numbers written as strings, so the generator
/// emits <c>["integer","string"]</c> with a pattern; the server always writes numbers, and clients should send them.</item>
/// <item><c>required</c> lists exactly the non-nullable members (nullable reference types and <c>Nullable&lt;T&gt;</c> are
/// optional, unless marked <c>[property: Required]</c>): a response always carries the required ones; a request may
/// leave out the others.</item>
/// <item>Ids made by <c>Common/Ids</c> (<c>id</c>, <c>org_id</c>, … see <see cref="UuidMembers"/>) are UUIDs (<c>format: uuid</c>).</item>
/// </list>
/// </summary>
internal sealed class WireSchemaTransformer : IOpenApiSchemaTransformer
{
    private static readonly NullabilityInfoContext Nullability = new();

    /// <inheritdoc />
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (schema.Type is { } type && (type & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0 && (type & JsonSchemaType.String) != 0)
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
        if (context.JsonPropertyInfo is { } property && IsId(property.Name) && schema.Type is { } t && (t & JsonSchemaType.String) != 0
            && schema.Format is null)
            schema.Format = "uuid";
        if (context.JsonPropertyInfo is null && context.JsonTypeInfo.Kind == JsonTypeInfoKind.Object && schema.Properties is { Count: > 0 })
        {
            var required = new HashSet<string>();
            foreach (var p in context.JsonTypeInfo.Properties)
                if (!IsOptional(p) && schema.Properties.ContainsKey(p.Name)) required.Add(p.Name);
            schema.Required = required;
        }
        return Task.CompletedTask;
    }

    /// <summary>Members that hold an id made by <c>Common/Ids</c> (UUIDv7) wherever they appear; not e.g. audit's target_id (a serial or an id).</summary>
    private static readonly HashSet<string> UuidMembers =
    [
        "id", "org_id", "room_id", "tenant_id", "partner_id", "user_id", "rule_id", "firmware_id", "job_id", "fw_job_id",
        "device_id", "command_id", "signing_key_id", "key_id", "anomaly_id", "notification_id", "delivery_id",
    ];

    private static bool IsId(string name) => UuidMembers.Contains(name);

    private static bool IsOptional(JsonPropertyInfo p)
    {
        if (p.IsExtensionData) return true;
        // A request member the handler insists on (it answers 400 naming it) may say so with [Required]; it stays
        // nullable in C# so a missing value reaches the handler's own message instead of a binding failure.
        if (p.IsRequired || p.AttributeProvider?.IsDefined(typeof(System.ComponentModel.DataAnnotations.RequiredAttribute), true) == true) return false;
        if (p.PropertyType.IsValueType) return Nullable.GetUnderlyingType(p.PropertyType) is not null;
        var info = p.AttributeProvider switch
        {
            PropertyInfo prop => Nullability.Create(prop),
            FieldInfo field => Nullability.Create(field),
            _ => null,
        };
        return info is null || info.ReadState != NullabilityState.NotNull;
    }
}
