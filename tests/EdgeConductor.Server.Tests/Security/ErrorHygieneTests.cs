namespace EdgeConductor.Server.Tests.Security;

/// <summary>
/// Errors in the project's words: binding failures never name .NET types (DevicesApi+RegisterRequest, Nullable&lt;int&gt;),
/// and every error is application/problem+json with status, title, detail and code (<see cref="HttpJson.ExpectProblemAsync(HttpResponseMessage, HttpStatusCode, string?)"/>).
/// </summary>
public sealed class ErrorHygieneTests(EcServerFactory server) : IClassFixture<EcServerFactory>
{
    private static readonly string[] Internals = ["DevicesApi", "RegisterRequest", "Nullable", "System.", "EdgeConductor.", "Int32", "`1", "+"];

    [Theory]
    [InlineData("[1]", "the top level")]
    [InlineData("{\"serial_no\": 5}", "'$.serial_no'")]
    [InlineData("{\"serial_no\": \"EC-1\", \"product_type\": {}}", "'$.product_type'")]
    public async Task Register_WithWrongJsonTypes_SaysWhereInTheProjectsWords(string body, string where)
    {
        using var c = await server.Api.AdminClientAsync();
        var p = await c.SendRawAsync(HttpMethod.Post, $"{EcApi.Base}/devices/register", body).ExpectProblemAsync(HttpStatusCode.BadRequest, "BAD_REQUEST");
        var detail = p.Str("detail");
        Assert.StartsWith("The request body is not valid JSON", detail);
        Assert.Contains(where, detail);
        foreach (var word in Internals) Assert.DoesNotContain(word, detail);
    }

    [Fact]
    public async Task Login_WithBrokenJson_SaysTheBodyIsNotValidJson()
    {
        using var c = server.Api.Client(null);
        var p = await c.SendRawAsync(HttpMethod.Post, $"{EcApi.Base}/auth/login", "{\"email\": ").ExpectProblemAsync(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.StartsWith("The request body is not valid JSON: ", p.Str("detail"));
        foreach (var word in Internals) Assert.DoesNotContain(word, p.Str("detail"));
    }

    [Theory]
    [InlineData("/devices?limit=abc", "Query parameter 'limit' must be an integer.")]
    [InlineData("/devices?limit=1.5", "Query parameter 'limit' must be an integer.")]
    [InlineData("/devices?offset=x", "Query parameter 'offset' must be an integer.")]
    public async Task QueryParameterOfTheWrongType_IsNamedPlainly(string path, string expected)
    {
        using var c = await server.Api.AdminClientAsync();
        var p = await c.GetAsync(EcApi.Base + path).ExpectProblemAsync(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal(expected, p.Str("detail"));
    }

    [Fact]
    public async Task RequestLineOverTheLimit_Is414Problem()
    {
        using var c = await server.Api.AdminClientAsync();
        var p = await c.GetAsync($"{EcApi.Base}/devices?q={new string('a', RequestHeadLimitsBytes)}").ExpectProblemAsync(HttpStatusCode.RequestUriTooLong, "URI_TOO_LONG");
        Assert.Contains("8192", p.Str("detail"));
    }

    [Fact]
    public async Task HeadersOverTheLimit_Are431Problem()
    {
        using var c = await server.Api.AdminClientAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{EcApi.Base}/devices");
        request.Headers.Add("X-Padding", new string('h', 40 * 1024));
        var p = await c.SendAsync(request).ExpectProblemAsync(HttpStatusCode.RequestHeaderFieldsTooLarge, "HEADERS_TOO_LARGE");
        Assert.Contains("32768", p.Str("detail"));
    }

    private const int RequestHeadLimitsBytes = EdgeConductor.Server.Hosting.RequestHeadLimits.MaxRequestLine;
}
