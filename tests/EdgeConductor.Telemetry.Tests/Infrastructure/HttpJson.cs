using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace EdgeConductor.Telemetry.Tests.Infrastructure;

/// <summary>Small JSON helpers over HttpClient that fail with the response body when the status is unexpected.</summary>
internal static class HttpJson
{
    public static async Task<JsonNode> ReadJsonAsync(this HttpResponseMessage r)
    {
        var text = await r.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new Xunit.Sdk.XunitException($"Empty JSON body ({(int)r.StatusCode})");
    }

    public static async Task<JsonNode> ExpectAsync(this Task<HttpResponseMessage> call, HttpStatusCode status)
    {
        using var r = await call;
        var text = await r.Content.ReadAsStringAsync();
        if (r.StatusCode != status)
            throw new Xunit.Sdk.XunitException($"{r.RequestMessage?.Method} {r.RequestMessage?.RequestUri}: expected {(int)status}, got {(int)r.StatusCode}: {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    public static Task<JsonNode> GetJsonAsync(this HttpClient http, string url, HttpStatusCode status = HttpStatusCode.OK) =>
        http.GetAsync(url).ExpectAsync(status);

    public static Task<JsonNode> PostJsonAsync(this HttpClient http, string url, object body, HttpStatusCode status) =>
        http.PostAsJsonAsync(url, body).ExpectAsync(status);

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient http, string url, string body, string? deviceSecret = null)
    {
        var req = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (deviceSecret is not null) req.Headers.Add("X-Device-Secret", deviceSecret);
        return http.SendAsync(req);
    }

    public static Task<HttpResponseMessage> PatchRawAsync(this HttpClient http, string url, string body, string? ifMatch = null)
    {
        var req = new HttpRequestMessage(HttpMethod.Patch, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (ifMatch is not null) req.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return http.SendAsync(req);
    }
}
