using System.Text;

namespace EdgeConductor.Cli.Simulation;

/// <summary>
/// Reads the CSV <c>ec manufacture</c> writes (<c>serial_no,product_type,device_secret,claim_url,qr_file</c>, RFC 4180
/// quoting): the devices a factory batch produced, with their secrets, ready to simulate.
/// </summary>
public static class DeviceCsv
{
    /// <summary>Parses <paramref name="text"/>; throws <see cref="FormatException"/> naming the line and column that is wrong.</summary>
    public static IReadOnlyList<DeviceCredentials> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rows = Rows(text).ToList();
        if (rows.Count == 0) throw new FormatException("the CSV is empty (expected a header line serial_no,product_type,device_secret,…).");
        var header = rows[0].Fields.Select(h => h.Trim()).ToList();
        var serialCol = header.IndexOf("serial_no");
        var secretCol = header.IndexOf("device_secret");
        var typeCol = header.IndexOf("product_type");
        if (serialCol < 0 || secretCol < 0) throw new FormatException("line 1: the header needs the columns serial_no and device_secret (as ec manufacture writes them).");
        var devices = new List<DeviceCredentials>();
        foreach (var (line, fields) in rows.Skip(1))
        {
            if (fields.Count == 1 && fields[0].Length == 0) continue;
            if (fields.Count <= Math.Max(serialCol, secretCol)) throw new FormatException($"line {line}: expected {header.Count} columns, found {fields.Count}.");
            var serial = fields[serialCol].Trim();
            var secret = fields[secretCol].Trim();
            if (serial.Length == 0) throw new FormatException($"line {line}: serial_no is empty.");
            if (secret.Length == 0) throw new FormatException($"line {line}: device_secret is empty.");
            devices.Add(new DeviceCredentials(serial, secret, typeCol >= 0 && typeCol < fields.Count ? fields[typeCol].Trim() : null));
        }
        if (devices.Count == 0) throw new FormatException("the CSV has a header but no devices.");
        return devices;
    }

    private static IEnumerable<(int Line, List<string> Fields)> Rows(string text)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var line = 1;
        var startLine = 1;
        var any = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            any = true;
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else
                {
                    if (c == '\n') line++;
                    field.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"':
                    quoted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    yield return (startLine, fields);
                    fields = [];
                    line++;
                    startLine = line;
                    any = false;
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }
        if (any)
        {
            fields.Add(field.ToString());
            yield return (startLine, fields);
        }
    }
}
