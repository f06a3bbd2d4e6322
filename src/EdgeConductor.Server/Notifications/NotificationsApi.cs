using EdgeConductor.Server.Auth;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Hosting;
using EdgeConductor.Server.Live;
using EdgeConductor.Server.Notifications.Email;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Notifications;

/// <summary>
/// The notification bell (seed 000 <c>ec.notifications</c>: list, markRead, markAllRead) with per-caller read state
/// (<see cref="BellReader"/>), the unread count, the e-mail test send, and each user's e-mail preferences.
/// Who may read an org's bell: the managers of the org (super admin, its partner, its org admins, its API keys);
/// customers and tenants get 403, other orgs' callers 404.
/// </summary>
public static class NotificationsApi
{
    /// <summary>Problem code when the SMTP server did not accept the test e-mail (HTTP 502).</summary>
    public const string SmtpFailedCode = "SMTP_FAILED";

    /// <summary>Response of read-all: how many notifications were unread for the caller.</summary>
    public sealed record MarkAllResponse(int Updated);

    /// <summary>The caller's unread count in an org.</summary>
    public sealed record UnreadCountResponse(int UnreadCount);

    /// <summary>Body of the test send: <see cref="To"/> defaults to the caller's own address and must be one of the org's e-mail recipients.</summary>
    public sealed record TestEmailRequest(string? To);

    /// <summary>Result of the test send.</summary>
    public sealed record TestEmailResponse(bool Sent, string To);

    /// <summary>Body of PUT /users/me/notification-preferences; a member left out keeps its value.</summary>
    public sealed record PreferencesRequest(bool? EmailEnabled, IReadOnlyList<string>? EmailKinds);

    /// <summary>A user's e-mail preferences (and every kind there is, for a settings page).</summary>
    public sealed record PreferencesResponse(bool EmailEnabled, IReadOnlyList<string> EmailKinds, IReadOnlyList<string> AvailableKinds);

    /// <summary>The header on GET /orgs/:id/notifications carrying the caller's unread count.</summary>
    public const string UnreadCountHeader = "X-Unread-Count";

    public static RouteGroupBuilder MapNotificationsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/orgs/{orgId}/notifications", List).WithTags("Notifications")
            .Produces<IReadOnlyList<NotificationStore.NotificationDto>>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        api.MapGet("/orgs/{orgId}/notifications/unread-count", UnreadCount).WithTags("Notifications")
            .Produces<UnreadCountResponse>().ProducesProblem(403).ProducesProblem(404);
        api.MapPost("/orgs/{orgId}/notifications/read-all", MarkAllRead).WithTags("Notifications")
            .Produces<MarkAllResponse>().ProducesProblem(403).ProducesProblem(404);
        api.MapPatch("/notifications/{id}/read", MarkRead).WithTags("Notifications")
            .Produces<NotificationStore.NotificationDto>().ProducesProblem(403).ProducesProblem(404);
        api.MapPost("/orgs/{orgId}/notifications/test-email", TestEmail).WithTags("Notifications")
            .Produces<TestEmailResponse>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(502);
        api.MapGet("/users/me/notification-preferences", GetPreferences).WithTags("Notifications")
            .Produces<PreferencesResponse>().ProducesProblem(403);
        api.MapPut("/users/me/notification-preferences", PutPreferences).WithTags("Notifications")
            .Produces<PreferencesResponse>().ProducesProblem(400).ProducesProblem(403);
        return api;
    }

    private static async Task<IResult> List(string orgId, bool? unread, int? limit, int? offset, RequestContext ctx, NotificationStore store)
    {
        var org = await ctx.RequireManagedOrgAsync(orgId);
        var page = Paging.From(limit, offset, 50, 500);
        var reader = BellReader.For(ctx.Caller);
        var list = await store.ListAsync(org.Id, reader, unread == true, page, ctx.Aborted);
        ctx.Http.Response.Headers[UnreadCountHeader] = (await store.UnreadCountAsync(org.Id, reader, ctx.Aborted)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Ok(list);
    }

    private static async Task<IResult> UnreadCount(string orgId, RequestContext ctx, NotificationStore store)
    {
        var org = await ctx.RequireManagedOrgAsync(orgId);
        return TypedResults.Ok(new UnreadCountResponse(await store.UnreadCountAsync(org.Id, BellReader.For(ctx.Caller), ctx.Aborted)));
    }

    private static async Task<IResult> MarkAllRead(string orgId, RequestContext ctx, NotificationStore store, DeviceEventHub hub)
    {
        var org = await ctx.RequireManagedOrgAsync(orgId);
        var reader = BellReader.For(ctx.Caller);
        var updated = await store.MarkAllReadAsync(org.Id, reader, ctx.Aborted);
        if (updated > 0) hub.Publish(NotificationLiveEvents.Read(org.Id, reader));
        return TypedResults.Ok(new MarkAllResponse(updated));
    }

    private static async Task<IResult> MarkRead(string id, RequestContext ctx, NotificationStore store, DeviceEventHub hub)
    {
        var reader = BellReader.For(ctx.Caller);
        var n = await store.FindAsync(id, reader, ctx.Aborted);
        if (n is null || !(await ctx.ScopeAsync()).CanSeeOrg(n.OrgId)) throw ApiException.NotFound($"Notification '{id}' not found.");
        ctx.RequireRole(Roles.Managers);
        if (n.ReadAt is null)
        {
            await store.MarkReadAsync(id, reader, ctx.Aborted);
            hub.Publish(NotificationLiveEvents.Read(n.OrgId, reader));
        }
        return TypedResults.Ok(await store.FindAsync(id, reader, ctx.Aborted));
    }

    private static async Task<IResult> TestEmail(string orgId, TestEmailRequest? body, RequestContext ctx, NotificationOptions options,
        PublicUrlOptions publicUrl, SmtpEmailSender sender, UserStore users, TimeProvider clock, ILoggerFactory logs)
    {
        var org = await ctx.RequireManagedOrgAsync(orgId);
        if (!options.EmailEnabled)
            throw ApiException.Conflict("E-mail is not configured on this server: set EC_SMTP_HOST (and EC_SMTP_FROM, EC_SMTP_TLS...) and restart.");
        var to = body?.To?.Trim();
        if (string.IsNullOrEmpty(to))
            to = ctx.Caller.Email ?? throw ApiException.Invalid("to", "is required when the caller has no e-mail address (API keys)");
        else if (!MimeKit.MailboxAddress.TryParse(to, out var parsed) || parsed.Address != to)
            throw ApiException.Invalid("to", "must be an e-mail address");
        else if (!await IsOrgRecipientAsync(org, to, users, ctx.Aborted) && !string.Equals(to, ctx.Caller.Email, StringComparison.OrdinalIgnoreCase))
            throw ApiException.Invalid("to", "must be your own address or that of an admin or partner user of this org");

        var sample = new EmailEntry(NotificationKinds.Anomaly, "warning", "Test e-mail", null, "EC-TEST-0001",
            """{"field":"co2","value":1840,"baseline":1103,"deviation_pct":66.8,"severity":"warning","detector":"rolling_mean"}""",
            clock.Ms());
        var message = NotificationEmailComposer.Compose(sender.From, to, new EmailBrand(org.Name, org.PrimaryColor), [sample],
            new Dictionary<string, int>(), publicUrl.BaseUrl);
        message.Subject = "Test e-mail from EdgeConductor: " + message.Subject;
        try
        {
            await sender.SendAsync(message, ctx.Aborted);
        }
        catch (Exception ex) when (!ctx.Aborted.IsCancellationRequested)
        {
            logs.CreateLogger("EdgeConductor.Notifications").LogWarning("Test e-mail to {To} failed: {Error}", to, SmtpEmailSender.Describe(ex));
            throw new ApiException(502, SmtpFailedCode, "The SMTP server did not accept the test e-mail: " + SmtpEmailSender.Describe(ex));
        }
        return TypedResults.Ok(new TestEmailResponse(true, to));
    }

    private static async Task<bool> IsOrgRecipientAsync(OrgRecord org, string email, UserStore users, CancellationToken ct)
    {
        var candidates = (await users.ListByOrgAsync(org.Id, ct)).Where(u => u.Role == Roles.OrgAdmin).ToList();
        if (org.PartnerId is not null) candidates.AddRange(await users.ListByPartnerAsync(org.PartnerId, ct));
        return candidates.Any(u => string.Equals(u.Email, email, StringComparison.OrdinalIgnoreCase));
    }

    private static string RequireUser(RequestContext ctx) => ctx.Caller.Kind == Caller.UserKind
        ? ctx.Caller.Id
        : throw ApiException.Forbidden("API keys have no e-mail preferences: a key reads its org's bell and receives no e-mail.");

    private static async Task<IResult> GetPreferences(RequestContext ctx, NotificationPreferenceStore prefs)
    {
        var p = await prefs.GetAsync(RequireUser(ctx), ctx.Aborted);
        return TypedResults.Ok(new PreferencesResponse(p.EmailEnabled, p.EmailKinds, NotificationPreferenceStore.AllKinds));
    }

    private static async Task<IResult> PutPreferences(PreferencesRequest? body, RequestContext ctx, NotificationPreferenceStore prefs)
    {
        var userId = RequireUser(ctx);
        if (body is null) throw ApiException.BadRequest("A JSON body is required: {\"email_enabled\": true, \"email_kinds\": [\"anomaly\"]}.");
        if (body.EmailKinds is { } kinds)
        {
            for (var i = 0; i < kinds.Count; i++)
                if (kinds[i] is null || !NotificationPreferenceStore.AllKinds.Contains(kinds[i]))
                    throw ApiException.Invalid($"email_kinds[{i}]", "must be one of: " + string.Join(", ", NotificationPreferenceStore.AllKinds));
        }

        var current = await prefs.GetAsync(userId, ctx.Aborted);
        var next = new NotificationPreferenceStore.Preferences(body.EmailEnabled ?? current.EmailEnabled,
            body.EmailKinds is null ? current.EmailKinds : body.EmailKinds.Distinct().ToList());
        await prefs.SetAsync(userId, next, ctx.Aborted);
        return TypedResults.Ok(new PreferencesResponse(next.EmailEnabled, next.EmailKinds, NotificationPreferenceStore.AllKinds));
    }
}
