using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit;

namespace EdgeConductor.Testing;

/// <summary>JSON over HTTP for tests: snake_case bodies in, <see cref="JsonElement"/> out, failures that show the body.</summary>
public static class HttpJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient c, string path, object? body) =>
        c.PostAsJsonAsync(path, body, Options);

    public static Task<HttpResponseMessage> PatchJsonAsync(this HttpClient c, string path, object? body) =>
        c.PatchAsJsonAsync(path, body, Options);

    /// <summary>Sends <paramref name="rawBody"/> exactly as given (for malformed JSON and the like).</summary>
    public static Task<HttpResponseMessage> SendRawAsync(this HttpClient c, HttpMethod method, string path, string rawBody,
        string contentType = "application/json") =>
        c.SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent(rawBody, Encoding.UTF8, new MediaTypeHeaderValue(contentType)) });

    /// <summary>Asserts the status and returns the parsed JSON body (default when there is none).</summary>
    public static async Task<JsonElement> ExpectAsync(this HttpResponseMessage r, HttpStatusCode status)
    {
        var text = await r.Content.ReadAsStringAsync();
        if (r.StatusCode != status)
            Assert.Fail($"{r.RequestMessage?.Method} {r.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)status} {status}, got {(int)r.StatusCode} {r.StatusCode}. Body: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> ExpectAsync(this Task<HttpResponseMessage> r, HttpStatusCode status) =>
        await (await r).ExpectAsync(status);

    /// <summary>Asserts an application/problem+json error with this status and machine code; returns it.</summary>
    public static async Task<JsonElement> ExpectProblemAsync(this HttpResponseMessage r, HttpStatusCode status, string? code = null)
    {
        var p = await r.ExpectAsync(status);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, p.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(p.GetProperty("title").GetString()), "problem has no title");
        Assert.False(string.IsNullOrEmpty(p.GetProperty("detail").GetString()), "problem has no detail");
        var actualCode = p.GetProperty("code").GetString();
        if (code is not null) Assert.Equal(code, actualCode);
        else Assert.False(string.IsNullOrEmpty(actualCode));
        return p;
    }

    public static async Task<JsonElement> ExpectProblemAsync(this Task<HttpResponseMessage> r, HttpStatusCode status, string? code = null) =>
        await (await r).ExpectProblemAsync(status, code);

    public static string Str(this JsonElement e, string name) =>
        e.GetProperty(name).GetString() ?? throw new InvalidOperationException($"'{name}' is null in {e}");

    public static string? StrOrNull(this JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
