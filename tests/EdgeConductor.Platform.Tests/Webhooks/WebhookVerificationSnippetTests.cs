using System.Diagnostics;
using System.Text.Json;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Platform.Tests.Webhooks;

/// <summary>The verification snippets in docs/webhooks.md accept a real delivery and refuse a tampered one.</summary>
public sealed class WebhookVerificationSnippetTests : WebhookServerTest
{
    private static string Normalize(string code) =>
        string.Join('\n', code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("using ", StringComparison.Ordinal)));

    [Fact]
    public void TheCSharpSnippetInTheDocs_IsTheOneTheseTestsRun()
    {
        Assert.Equal(Normalize(DocsSnippets.FromDocs("csharp")), Normalize(DocsSnippets.CSharpCopy()));
    }

    [Fact]
    public async Task CSharpJsAndPythonSnippets_AcceptARealDelivery_AndRefuseATamperedBody()
    {
        var org = await TestOrg.CreateAsync(Server);
        var secret = await org.RevealSecretAsync();
        await Server.EnqueueAsync(org.Id, Receiver.Url("/snippets"));
        var w = await Receiver.NextAsync("/snippets");
        var tampered = w with { Body = w.Body.Replace("true", "false", StringComparison.Ordinal) };
        Assert.NotEqual(w.Body, tampered.Body);

        Assert.True(DocsSnippets.Verify(secret, w));
        Assert.False(DocsSnippets.Verify(secret, tampered));

        Assert.Equal("true", await RunAsync("node", "js", JsHarness, secret, w));
        Assert.Equal("false", await RunAsync("node", "js", JsHarness, secret, tampered));
        Assert.Equal("true", await RunAsync("python3", "py", PyHarness, secret, w));
        Assert.Equal("false", await RunAsync("python3", "py", PyHarness, secret, tampered));
    }

    private const string JsHarness = """

        const input = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
        console.log(verifyWebhook(input.secret, input.headers, input.body) ? "true" : "false");
        """;

    private const string PyHarness = """

        import json, sys
        data = json.load(sys.stdin)
        print("true" if verify_webhook(data["secret"], data["headers"], data["body"]) else "false")
        """;

    private static async Task<string> RunAsync(string exe, string ext, string harness, string secret, ReceivedWebhook w)
    {
        var file = Path.Combine(Path.GetTempPath(), $"ec-webhook-snippet-{Guid.NewGuid():N}.{ext}");
        await File.WriteAllTextAsync(file, DocsSnippets.FromDocs(ext == "js" ? "js" : "python") + harness);
        try
        {
            var psi = new ProcessStartInfo(exe, file) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi)!;
            await p.StandardInput.WriteAsync(JsonSerializer.Serialize(new
            {
                secret,
                headers = new Dictionary<string, string> { ["webhook-id"] = w.Id, ["webhook-timestamp"] = w.Timestamp, ["webhook-signature"] = w.Signature },
                body = w.Body,
            }));
            p.StandardInput.Close();
            var stdout = await p.StandardOutput.ReadToEndAsync();
            var stderr = await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            Assert.True(p.ExitCode == 0, $"{exe} exited {p.ExitCode}: {stderr}");
            return stdout.Trim();
        }
        finally
        {
            File.Delete(file);
        }
    }
}
