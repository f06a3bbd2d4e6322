using Dapper;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Storage;

namespace EdgeConductor.Server.Notifications;

/// <summary>
/// Per-user e-mail preferences. A user without a row gets e-mail for every kind (<see cref="Default"/>).
/// </summary>
public sealed class NotificationPreferenceStore(Database db, TimeProvider clock)
{
    /// <summary>Every kind a notification can have, in the order the API lists them.</summary>
    public static readonly IReadOnlyList<string> AllKinds =
    [
        NotificationKinds.DeviceOffline, NotificationKinds.DeviceOnline, NotificationKinds.Anomaly,
        NotificationKinds.FirmwareUploaded, NotificationKinds.RuleFired, NotificationKinds.WebhookFailing,
    ];

    /// <summary>A user's e-mail preferences: <see cref="EmailEnabled"/> off = no notification e-mail at all; otherwise only
    /// the kinds in <see cref="EmailKinds"/>.</summary>
    public sealed record Preferences(bool EmailEnabled, IReadOnlyList<string> EmailKinds)
    {
        /// <summary>Does this user want an e-mail for a notification of <paramref name="kind"/>?</summary>
        public bool WantsEmail(string kind) => EmailEnabled && EmailKinds.Contains(kind);
    }

    /// <summary>E-mail on, every kind.</summary>
    public static Preferences Default { get; } = new(true, AllKinds);

    private sealed class Row
    {
        public string UserId { get; set; } = "";
        public long EmailEnabled { get; set; }
        public string? EmailKinds { get; set; }

        public Preferences ToPreferences() => new(EmailEnabled != 0,
            EmailKinds is null ? AllKinds : EmailKinds.Split(',', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>The preferences of <paramref name="userId"/> (the default when never set).</summary>
    public async Task<Preferences> GetAsync(string userId, CancellationToken ct) =>
        (await GetManyAsync([userId], ct)).GetValueOrDefault(userId, Default);

    /// <summary>Preferences of several users; users without a row are absent (they have <see cref="Default"/>).</summary>
    public async Task<IReadOnlyDictionary<string, Preferences>> GetManyAsync(IReadOnlyCollection<string> userIds, CancellationToken ct)
    {
        if (userIds.Count == 0) return new Dictionary<string, Preferences>();
        var p = new DynamicParameters();
        var sql = $"SELECT user_id, email_enabled, email_kinds FROM notification_email_prefs WHERE {Database.InList("user_id", "u", userIds, p)}";
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<Row>(new CommandDefinition(sql, p, cancellationToken: ct)))
            .ToDictionary(r => r.UserId, r => r.ToPreferences());
    }

    /// <summary>Stores the preferences of <paramref name="userId"/> (kinds must be known: the API validates them).</summary>
    public async Task SetAsync(string userId, Preferences prefs, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            INSERT INTO notification_email_prefs (user_id, email_enabled, email_kinds, updated_at) VALUES (@userId, @enabled, @kinds, @now)
            ON CONFLICT (user_id) DO UPDATE SET email_enabled = excluded.email_enabled, email_kinds = excluded.email_kinds, updated_at = excluded.updated_at
            """, new { userId, enabled = prefs.EmailEnabled ? 1 : 0, kinds = string.Join(',', prefs.EmailKinds), now = clock.Ms() },
            cancellationToken: ct));
    }
}
