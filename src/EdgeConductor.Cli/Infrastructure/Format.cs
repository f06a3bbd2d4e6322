using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace EdgeConductor.Cli.Infrastructure;

/// <summary>Small text helpers for tables.</summary>
internal static class Format
{
    public static string Time(DateTimeOffset? t) =>
        t is { } v ? v.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "—";

    public static string Text(string? s) => string.IsNullOrEmpty(s) ? "[grey]—[/]" : Markup.Escape(s);

    /// <summary>A JSON value as a short cell: strings unquoted, everything else as JSON.</summary>
    public static string Value(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString() ?? "",
        JsonValueKind.Undefined => "",
        _ => v.GetRawText(),
    };

    public static string Online(bool online) => online ? "[green]● online[/]" : "[grey]○ offline[/]";

    /// <summary>A key/value table of a JSON object (a shadow, a payload); "(empty)" when it has no members.</summary>
    public static Table ObjectTable(JsonElement obj, string keyHeader = "Key", string valueHeader = "Value")
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn(keyHeader).AddColumn(valueHeader);
        if (obj.ValueKind == JsonValueKind.Object)
            foreach (var p in obj.EnumerateObject())
                table.AddRow(Markup.Escape(p.Name), Markup.Escape(Value(p.Value)));
        if (table.Rows.Count == 0) table.AddRow("[grey](empty)[/]", "");
        return table;
    }
}
