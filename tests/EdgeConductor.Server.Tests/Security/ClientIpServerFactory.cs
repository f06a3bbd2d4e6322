using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeConductor.Server.Tests.Security;

/// <summary>
/// The real server, where a test request may say which client address it comes from (<see cref="HeaderName"/>), since the
/// in-memory transport has none. Only the connection's remote address is set, before any of the server's middleware runs.
/// </summary>
public class ClientIpServerFactory : EcServerFactory
{
    public const string HeaderName = "X-Test-Client-IP";

    public ClientIpServerFactory() : this(new EcServerOptions()) { }

    protected ClientIpServerFactory(EcServerOptions options) : base(options) { }

    public static new async Task<ClientIpServerFactory> StartAsync(EcServerOptions options)
    {
        var f = new ClientIpServerFactory(options);
        await f.InitializeAsync();
        return f;
    }

    /// <summary>A client whose requests come from <paramref name="ip"/>.</summary>
    public HttpClient ClientFrom(string ip, string? bearer = null)
    {
        var c = CreateClient(bearer);
        c.DefaultRequestHeaders.Add(HeaderName, ip);
        return c;
    }

    protected override void ConfigureTestServices(IServiceCollection services) =>
        services.AddSingleton<IStartupFilter, ClientIpStartupFilter>();

    private sealed class ClientIpStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, nextMiddleware) =>
            {
                if (http.Request.Headers.TryGetValue(HeaderName, out var ip)) http.Connection.RemoteIpAddress = IPAddress.Parse(ip.ToString());
                return nextMiddleware(http);
            });
            next(app);
        };
    }
}
