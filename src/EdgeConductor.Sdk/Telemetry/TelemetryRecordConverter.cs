using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeConductor.Sdk.Telemetry;

/// <summary>Reads and writes <see cref="TelemetryRecord"/> in the API's flat form.</summary>
internal sealed class TelemetryRecordConverter : JsonConverter<TelemetryRecord>
{
    public override TelemetryRecord Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var doc = JsonDocument.ParseValue(ref reader);
        return FromFlat(doc.RootElement);
    }

    public static TelemetryRecord FromFlat(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new JsonException("A telemetry record must be a JSON object.");
        var ts = default(DateTimeOffset);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var p in root.EnumerateObject())
            {
                if (p.NameEquals("ts"))
                {
                    if (p.Value.ValueKind == JsonValueKind.String && p.Value.TryGetDateTimeOffset(out var t)) ts = t;
                    continue;
                }
                p.WriteTo(w);
            }
            w.WriteEndObject();
        }
        using var data = JsonDocument.Parse(buffer.ToArray());
        return new TelemetryRecord(ts, data.RootElement.Clone());
    }

    public override void Write(Utf8JsonWriter writer, TelemetryRecord value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("ts", value.Ts);
        if (value.Data.ValueKind == JsonValueKind.Object)
            foreach (var p in value.Data.EnumerateObject())
                if (!p.NameEquals("ts")) p.WriteTo(writer);
        writer.WriteEndObject();
    }
}
