using System.Security.Cryptography;
using System.Text;

namespace EdgeConductor.Platform.Tests.Webhooks;

/// <summary>
/// The verification snippets of docs/webhooks.md. <see cref="VerifyWebhook"/> is the C# snippet, character for character
/// (<see cref="WebhookVerificationSnippetTests"/> checks that the docs still say the same); the JS and Python snippets are
/// read from the docs file and run.
/// </summary>
internal static class DocsSnippets
{
    // <snippet>
    static bool VerifyWebhook(string secret, string id, string timestamp, string body, string signatures)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
        if (Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(timestamp)) > 300) return false;
        return signatures.Split(' ').Any(s => s.StartsWith("v1,") &&
            CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s[3..]), Encoding.ASCII.GetBytes(expected)));
    }
    // </snippet>

    public static bool Verify(string secret, ReceivedWebhook w) => VerifyWebhook(secret, w.Id, w.Timestamp, w.Body, w.Signature);

    /// <summary>The signatures in the header that <paramref name="secret"/> made (no timestamp check: for tests that move the clock).</summary>
    public static int CountValid(string secret, ReceivedWebhook w)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{w.Id}.{w.Timestamp}.{w.Body}")));
        return w.Signature.Split(' ').Count(s => s == expected);
    }

    private static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string file = "") => file;

    /// <summary>The repository root (holds EdgeConductor.slnx).</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "EdgeConductor.slnx"))) return dir.FullName;
        throw new InvalidOperationException("repository root not found");
    }

    /// <summary>The fenced code block after <c>&lt;!-- snippet:NAME --&gt;</c> in docs/webhooks.md.</summary>
    public static string FromDocs(string name)
    {
        var text = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "webhooks.md"));
        var at = text.IndexOf($"<!-- snippet:{name} -->", StringComparison.Ordinal);
        Assert.True(at >= 0, $"docs/webhooks.md has no snippet '{name}'");
        var start = text.IndexOf('\n', text.IndexOf("```", at, StringComparison.Ordinal)) + 1;
        var end = text.IndexOf("```", start, StringComparison.Ordinal);
        return text[start..end];
    }

    /// <summary>This file's copy of the C# snippet, between the snippet markers.</summary>
    public static string CSharpCopy()
    {
        var text = File.ReadAllText(ThisFile());
        var start = text.IndexOf('\n', text.IndexOf("// <snippet>", StringComparison.Ordinal)) + 1;
        return text[start..text.IndexOf("    // </snippet>", StringComparison.Ordinal)];
    }
}
