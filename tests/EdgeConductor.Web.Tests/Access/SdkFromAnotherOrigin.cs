using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeConductor.Web.Tests.Access;

/// <summary>
/// The built ES module bundle of @edgeconductor/sdk (sdk/js, compiled with its pinned TypeScript into a temp folder, so a
/// concurrent `npm run build` of the JS suite is not disturbed) and a tiny static web server for it on two free loopback
/// ports, i.e. two browser origins. <c>/page.html</c> imports the SDK and calls the API (query: api, key); the result
/// lands in <c>window.ecResult</c>.
/// </summary>
internal sealed class SdkFromAnotherOrigin : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SdkFromAnotherOrigin(WebApplication app, int[] ports)
    {
        _app = app;
        Origins = [.. ports.Select(p => $"http://127.0.0.1:{p}")];
    }

    /// <summary>The two origins the page is served from.</summary>
    public string[] Origins { get; }

    public static async Task<SdkFromAnotherOrigin> StartAsync()
    {
        var bundle = await BuildSdkAsync();
        var ports = EdgeConductor.Testing.TestPorts.Free(2);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls([.. ports.Select(p => $"http://127.0.0.1:{p}")]);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/page.html", () => Results.Content(Page, "text/html; charset=utf-8"));
        app.MapGet("/sdk/{**file}", (string file) =>
        {
            var path = Path.GetFullPath(Path.Combine(bundle, file));
            return path.StartsWith(bundle + Path.DirectorySeparatorChar, StringComparison.Ordinal) && File.Exists(path)
                ? Results.File(path, "text/javascript; charset=utf-8")
                : Results.NotFound();
        });
        await app.StartAsync();
        return new SdkFromAnotherOrigin(app, ports);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    // Through the SDK (devices.list; no retries so a refusal is reported at once) and a raw fetch reading a response
    // header only CORS exposure makes visible (X-Total-Count).
    private const string Page = """
        <!doctype html><meta charset="utf-8"><title>SDK from another origin</title>
        <script type="module">
          import { EdgeConductor } from "/sdk/index.js";
          const q = new URLSearchParams(location.search);
          const api = q.get("api"), key = q.get("key");
          const result = { origin: location.origin };
          try {
            const ec = new EdgeConductor({ apiKey: key, baseUrl: api, maxRetries: 0 });
            const devices = await ec.devices.list({ limit: 5 });
            result.ok = true;
            result.serials = devices.map((d) => d.serial_no);
            const res = await fetch(api.replace(/\/$/, "") + "/devices?limit=1", { headers: { Authorization: "Bearer " + key } });
            result.totalCount = res.headers.get("x-total-count");
          } catch (e) {
            result.ok = false;
            result.status = e.status;
            result.code = e.code;
            result.message = String(e.message);
          }
          window.ecResult = result;
        </script>
        """;

    private static async Task<string> BuildSdkAsync()
    {
        var sdk = Path.Combine(RepoRoot(), "sdk", "js");
        var tsc = Path.Combine(sdk, "node_modules", "typescript", "bin", "tsc");
        if (!File.Exists(tsc)) await RunAsync(sdk, "npm", "ci", "--no-audit", "--no-fund");
        var output = Path.Combine(Path.GetTempPath(), "ec-sdk-browser-" + Guid.NewGuid().ToString("N")[..12]);
        await RunAsync(sdk, "node", tsc, "-p", Path.Combine(sdk, "tsconfig.json"), "--outDir", output);
        return output;
    }

    private static async Task RunAsync(string dir, string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {await stdout}{await stderr}");
    }

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "EdgeConductor.slnx"))) return d.FullName;
        throw new InvalidOperationException("EdgeConductor.slnx not found above " + AppContext.BaseDirectory);
    }
}
