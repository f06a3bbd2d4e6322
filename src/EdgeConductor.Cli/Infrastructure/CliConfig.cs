using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeConductor.Cli.Infrastructure;

/// <summary>
/// The saved login, <c>~/.ec/config.json</c>: an API key, or a user session (e-mail plus access and refresh tokens).
/// </summary>
internal sealed record CliConfig(
    [property: JsonPropertyName("api_key")] string? ApiKey,
    [property: JsonPropertyName("url")] string? Url)
{
    /// <summary>The user of a session login (<c>ec login --email</c>).</summary>
    [JsonPropertyName("email")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Email { get; init; }

    /// <summary>The session's current access token (a JWT, short-lived).</summary>
    [JsonPropertyName("access_token")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AccessToken { get; init; }

    /// <summary>Trades for a new token pair when the access token expires.</summary>
    [JsonPropertyName("refresh_token")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RefreshToken { get; init; }

    public const string FileName = "config.json";

    public static string PathIn(string dir) => Path.Combine(dir, FileName);

    public static CliConfig? Load(string dir)
    {
        var path = PathIn(dir);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<CliConfig>(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            throw new CliUsageException($"{path} is not valid JSON ({ex.Message}). Run 'ec logout' and 'ec login' again.");
        }
    }

    /// <summary>Writes the file readable by its owner only (0600), in a folder only the owner can enter (0700).</summary>
    public void Save(string dir)
    {
        if (!OperatingSystem.IsWindows())
            Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        else
            Directory.CreateDirectory(dir);
        var path = PathIn(dir);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(this, new JsonSerializerOptions { WriteIndented = true });
        SecureFile.WriteAllBytes(path, bytes);
    }

    public static bool Delete(string dir)
    {
        var path = PathIn(dir);
        if (!File.Exists(path)) return false;
        File.Delete(path);
        return true;
    }
}
