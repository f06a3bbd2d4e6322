namespace EdgeConductor.Server.Webhooks;

/// <summary>The checks a webhook URL must pass when it is saved (e.g. on a rule) and again before each delivery.</summary>
public static class WebhookUrl
{
    /// <summary>Longest accepted URL, in characters.</summary>
    public const int MaxLength = 2048;

    /// <summary>
    /// Null when <paramref name="url"/> is acceptable, else why not (for <c>ApiException.Invalid("webhook_url", error)</c>):
    /// an absolute http or https URL with a host, at most <see cref="MaxLength"/> characters, without user info
    /// (credentials in URLs end up in logs) or fragment. Which addresses the host resolves to is checked at delivery time,
    /// on every connection (DNS can change after this check); see <see cref="WebhookAddress"/>.
    /// </summary>
    public static string? Validate(string? url)
    {
        if (string.IsNullOrWhiteSpace(url)) return "is required";
        if (url.Length > MaxLength) return $"must be at most {MaxLength} characters";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return "must be an absolute http or https URL";
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) return "must use http or https";
        if (string.IsNullOrEmpty(uri.Host)) return "must name a host";
        if (!string.IsNullOrEmpty(uri.UserInfo)) return "must not contain user info (user:password@)";
        if (!string.IsNullOrEmpty(uri.Fragment)) return "must not contain a fragment (#...)";
        return null;
    }

    /// <summary>
    /// Null when <paramref name="preset"/> (null, <c>slack</c> or <c>telegram</c>) fits <paramref name="url"/>, else why not:
    /// the telegram preset needs the chat in the URL's query (<c>?chat_id=...</c>).
    /// </summary>
    public static string? ValidatePreset(string? preset, string url) => preset switch
    {
        null or WebhookPresets.Slack => null,
        WebhookPresets.Telegram => WebhookPresets.TelegramChatId(url) is null ? "telegram needs ?chat_id=<chat> in the URL" : null,
        _ => "must be slack or telegram (or absent for the raw payload)",
    };

    /// <summary>The URL as shown in the delivery log: a Telegram bot token (<c>/bot123:ABC.../</c>) is masked.</summary>
    public static string Redact(string url) =>
        System.Text.RegularExpressions.Regex.Replace(url, @"/bot(\d+):[^/?#]+", "/bot$1:***");
}
