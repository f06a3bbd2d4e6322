using EdgeConductor.Server.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeConductor.Server.Tests.Errors;

/// <summary>
/// ASP.NET's 415 endpoint is recognised by what it is and does (a routing rejection endpoint answering 415), not by its
/// display name, so a framework update that renames it keeps the 415 problem before authentication. (The end-to-end
/// answer over HTTP: EdgeConductor.Telemetry.Tests, Commands/DeviceBodyContentTypeTests.)
/// </summary>
public sealed class UnsupportedMediaTypeFirstTests
{
    private static readonly IServiceProvider Services = new ServiceCollection().BuildServiceProvider();

    /// <summary>Runs the middleware for a request routed to <paramref name="endpoint"/>; true when it called the next step.</summary>
    private static async Task<bool> PassesThroughAsync(Endpoint endpoint)
    {
        var http = new DefaultHttpContext { RequestServices = Services };
        http.Request.Method = "PATCH";
        http.Request.ContentType = "text/plain";
        http.SetEndpoint(endpoint);
        var called = false;
        await new UnsupportedMediaTypeFirst(_ => { called = true; return Task.CompletedTask; }).InvokeAsync(http);
        return called;
    }

    private static Endpoint Rejection(int status, string name) =>
        new(http => { http.Response.StatusCode = status; return Task.CompletedTask; }, EndpointMetadataCollection.Empty, name);

    [Theory]
    [InlineData("415 HTTP Unsupported Media Type")]
    [InlineData("A rejection endpoint renamed by a framework update")]
    public async Task RejectionEndpointAnswering415_Is415ProblemNamingTheSentType_WhateverItsName(string name)
    {
        // Control: the 405 rejection endpoint (same shape, another status) is left to the pipeline.
        Assert.True(await PassesThroughAsync(Rejection(StatusCodes.Status405MethodNotAllowed, "405 HTTP Method Not Supported")));

        var ex = await Assert.ThrowsAsync<ApiException>(() => PassesThroughAsync(Rejection(StatusCodes.Status415UnsupportedMediaType, name)));
        Assert.Equal(415, ex.Status);
        Assert.Contains("'text/plain'", ex.Message);
    }

    [Fact]
    public async Task RouteEndpointsAndEndpointsWithMetadata_AreNeverRun_OnlyPassedOn()
    {
        var ran = false;
        RequestDelegate answers415 = http => { ran = true; http.Response.StatusCode = 415; return Task.CompletedTask; };
        var route = new RouteEndpoint(answers415, RoutePatternFactory.Parse("/x"), 0, EndpointMetadataCollection.Empty, "route");
        var withMetadata = new Endpoint(answers415, new EndpointMetadataCollection(new object()), "with metadata");
        Assert.True(await PassesThroughAsync(route));
        Assert.True(await PassesThroughAsync(withMetadata));
        Assert.False(ran);
    }
}
