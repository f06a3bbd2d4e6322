using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeConductor.Server.Audit;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Devices;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Telemetry;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Rules;

/// <summary>
/// Seed 000 "Rules": <c>GET/POST /orgs/:id/rules</c>, <c>PATCH/DELETE /rules/:id</c>; plus <c>GET /rules/:id</c> (explain)
/// and <c>POST /rules/:id/test</c> (dry run). Rules belong to org managers (super admin, partner, org admin); a rule of an
/// org the caller cannot see is 404.
/// </summary>
public static class RulesApi
{
    private static readonly string[] CreateFields = ["name", "rule_type", "condition", "action", "clear_action", "scope", "webhook_url", "webhook_preset", "notify", "enabled"];
    private static readonly string[] PatchFields = ["name", "condition", "action", "clear_action", "scope", "webhook_url", "webhook_preset", "notify", "enabled"];

    public static RouteGroupBuilder MapRulesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/orgs/{orgId}/rules", List).WithTags("Rules")
            .Produces<RuleDto[]>(StatusCodes.Status200OK).ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        api.MapPost("/orgs/{orgId}/rules", Create).WithTags("Rules")
            .Produces<RuleDto>(StatusCodes.Status201Created).ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        api.MapGet("/rules/{ruleId}", Get).WithTags("Rules")
            .Produces<RuleDetailDto>(StatusCodes.Status200OK).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        api.MapPatch("/rules/{ruleId}", Patch).WithTags("Rules")
            .Produces<RuleDto>(StatusCodes.Status200OK).ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        api.MapDelete("/rules/{ruleId}", Delete).WithTags("Rules")
            .Produces<RuleDeletedDto>(StatusCodes.Status200OK).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        api.MapPost("/rules/{ruleId}/test", Test).WithTags("Rules")
            .Produces<RuleTestResultDto>(StatusCodes.Status200OK).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> List(string orgId, int? limit, int? offset, RequestContext ctx, RuleStore store)
    {
        var org = await ctx.RequireManagedOrgAsync(orgId);
        var rules = await store.ListAsync(org.Id, Paging.From(limit, offset, 100, 1000), ctx.Aborted);
        return TypedResults.Ok(rules.Select(RuleDto.From).ToArray());
    }

    private static async Task<IResult> Create(string orgId, JsonElement? body, RequestContext ctx, RuleStore store, RoomStore rooms,
        ThresholdEngine engine, AuditLog audit, TimeProvider clock)
    {
        var org = await ctx.RequireManagedOrgAsync(orgId);
        var doc = new PatchDocument(body);
        doc.AllowOnly(CreateFields);
        var now = clock.Ms();
        var r = new RuleRecord
        {
            Id = Ids.New(), OrgId = org.Id, CreatedAt = now, UpdatedAt = now, ScheduleSince = now,
            Name = Check.Required(doc.Has("name") ? doc.String("name") : null, "name", 200),
            RuleType = Check.OneOf(doc.Has("rule_type") ? doc.String("rule_type") : null, "rule_type", RuleTypes.All),
        };
        if (!doc.Has("condition")) throw ApiException.Invalid("condition", "is required");
        if (!doc.Has("action")) throw ApiException.Invalid("action", "is required");
        await ApplyAsync(r, doc, rooms, ctx.Aborted);
        await store.CreateAsync(r, ctx.Aborted);
        engine.Invalidate(org.Id);
        await audit.WriteAsync(ctx.Audit(org.Id, AuditActions.RuleCreated, "rule", r.Id, new { r.Name, r.RuleType }), ctx.Aborted);
        return TypedResults.Created($"/api/v1/rules/{r.Id}", RuleDto.From(r));
    }

    private static async Task<IResult> Get(string ruleId, RequestContext ctx, RuleStore store, OrgStore orgs, TimeProvider clock)
    {
        var r = await RequireRuleAsync(ruleId, ctx, store);
        var rule = RuleParser.Read(r);
        var d = RuleDto.From(r);
        IReadOnlyList<RuleDeviceStateDto> states = [];
        IReadOnlyList<RuleFireDto> fires = [];
        string? tz = null;
        DateTime? next = null;
        if (rule.Threshold is not null) states = (await store.StatesAsync(r.Id, ctx.Aborted)).Select(RuleDeviceStateDto.From).ToList();
        else
        {
            fires = (await store.RecentFiresAsync(r.Id, 20, ctx.Aborted)).Select(RuleFireDto.From).ToList();
            tz = (await orgs.FindAsync(r.OrgId, ctx.Aborted))?.Timezone ?? OrgTimeZone.Default;
            next = r.Enabled == 1 ? ScheduleCalendar.Next(rule.Schedule!, OrgTimeZone.Resolve(tz), clock.GetUtcNow())?.UtcDateTime : null;
        }
        return TypedResults.Ok(new RuleDetailDto(d.Id, d.OrgId, d.Name, d.RuleType, d.Condition, d.Action, d.ClearAction, d.Scope,
            d.WebhookUrl, d.WebhookPreset, d.Notify, d.Enabled, d.LoopGuard, d.LastFired, d.FireCount, d.LastError, d.LastErrorAt,
            d.CreatedAt, d.UpdatedAt, states, fires, tz, next));
    }

    private static async Task<IResult> Patch(string ruleId, JsonElement? body, RequestContext ctx, RuleStore store, RoomStore rooms,
        ThresholdEngine engine, AuditLog audit, TimeProvider clock)
    {
        var r = await RequireRuleAsync(ruleId, ctx, store);
        var doc = new PatchDocument(body);
        if (doc.Has("rule_type")) throw ApiException.Invalid("rule_type", "cannot be changed; create a new rule instead");
        doc.AllowOnly(PatchFields);
        var before = (r.Condition, r.Scope, r.Enabled);
        if (doc.Has("name")) r.Name = Check.Required(doc.String("name"), "name", 200);
        await ApplyAsync(r, doc, rooms, ctx.Aborted);
        var now = clock.Ms();
        r.UpdatedAt = now;
        var reset = before != (r.Condition, r.Scope, r.Enabled);
        // A new schedule (or re-enabling) starts from now: an instant that passed before the change never fires.
        if (reset) r.ScheduleSince = now;
        await store.UpdateAsync(r, ctx.Aborted);
        if (reset) await store.ResetStatesAsync(r.Id, ctx.Aborted);
        engine.Invalidate(r.OrgId);
        await audit.WriteAsync(ctx.Audit(r.OrgId, AuditActions.RuleUpdated, "rule", r.Id, new { fields = doc.Names.ToArray() }), ctx.Aborted);
        return TypedResults.Ok(RuleDto.From(r));
    }

    private static async Task<IResult> Delete(string ruleId, RequestContext ctx, RuleStore store, ThresholdEngine engine, AuditLog audit)
    {
        var r = await RequireRuleAsync(ruleId, ctx, store);
        await store.DeleteAsync(r.Id, ctx.Aborted);
        engine.Invalidate(r.OrgId);
        await audit.WriteAsync(ctx.Audit(r.OrgId, AuditActions.RuleDeleted, "rule", r.Id, new { r.Name }), ctx.Aborted);
        return TypedResults.Ok(new RuleDeletedDto(true, r.Id));
    }

    /// <summary>Dry run: nothing is stored, sent or audited.</summary>
    private static async Task<IResult> Test(string ruleId, RequestContext ctx, RuleStore store, DeviceStore devices, TelemetryStore telemetry,
        OrgStore orgs, TimeProvider clock)
    {
        var r = await RequireRuleAsync(ruleId, ctx, store);
        var rule = RuleParser.Read(r);
        var inScope = (await ScheduleWorker.DevicesInScopeAsync(devices, rule, ctx.Aborted)).Take(1000).ToList();
        var result = new List<RuleTestDeviceDto>();
        if (rule.Threshold is { } t)
        {
            var states = (await store.StatesAsync(r.Id, ctx.Aborted)).ToDictionary(s => s.DeviceId);
            foreach (var d in inScope)
            {
                JsonNode? value = null;
                DateTime? ts = null;
                foreach (var rec in await telemetry.RecentAsync(d.Id, 20, ctx.Aborted))
                {
                    if (JsonNode.Parse(rec.Payload) is JsonObject o && o.TryGetPropertyValue(t.Field, out var v))
                    {
                        value = v?.DeepClone();
                        ts = Times.ToUtc(rec.Ts);
                        break;
                    }
                }
                var matches = ts is null ? null : ThresholdEvaluator.Holds(t, value);
                var state = states.TryGetValue(d.Id, out var s) ? s.State : RuleDeviceState.Ok;
                result.Add(new RuleTestDeviceDto(d.SerialNo, value, ts, matches, state,
                    r.Enabled == 1 && matches == true && state != RuleDeviceState.Firing));
            }
            return TypedResults.Ok(new RuleTestResultDto(r.Id, true, rule.Action.ToJson(), result, null));
        }
        var tz = OrgTimeZone.Resolve((await orgs.FindAsync(r.OrgId, ctx.Aborted))?.Timezone);
        var next = ScheduleCalendar.Next(rule.Schedule!, tz, clock.GetUtcNow())?.UtcDateTime;
        foreach (var d in inScope) result.Add(new RuleTestDeviceDto(d.SerialNo, null, null, null, RuleDeviceState.Ok, r.Enabled == 1));
        return TypedResults.Ok(new RuleTestResultDto(r.Id, true, rule.Action.ToJson(), result, next));
    }

    /// <summary>The rule if the caller manages its org; 404 when it does not exist or its org is not visible.</summary>
    private static async Task<RuleRecord> RequireRuleAsync(string ruleId, RequestContext ctx, RuleStore store)
    {
        var r = ruleId.Length <= 64 ? await store.FindAsync(ruleId, ctx.Aborted) : null;
        if (r is null || !(await ctx.ScopeAsync()).CanSeeOrg(r.OrgId)) throw ApiException.NotFound($"Rule '{ruleId}' not found.");
        await ctx.RequireManagedOrgAsync(r.OrgId);
        return r;
    }

    /// <summary>Validates and applies the members present in <paramref name="doc"/> (create and PATCH share the rules).</summary>
    private static async Task ApplyAsync(RuleRecord r, PatchDocument doc, RoomStore rooms, CancellationToken ct)
    {
        if (doc.Has("condition"))
        {
            r.Condition = r.RuleType == RuleTypes.Threshold
                ? RuleParser.ToJson(RuleParser.Threshold(doc.Raw("condition"))).ToJsonString()
                : RuleParser.ToJson(RuleParser.Schedule(doc.Raw("condition"))).ToJsonString();
        }
        if (doc.Has("action")) r.Action = RuleParser.Action(doc.Raw("action"), "action").ToJson().ToJsonString();
        if (doc.Has("clear_action"))
        {
            if (doc.Raw("clear_action").ValueKind == JsonValueKind.Null) r.ClearAction = null;
            else
            {
                if (r.RuleType != RuleTypes.Threshold) throw ApiException.Invalid("clear_action", "is only for threshold rules");
                r.ClearAction = RuleParser.Action(doc.Raw("clear_action"), "clear_action").ToJson().ToJsonString();
            }
        }
        if (doc.Has("scope"))
        {
            var scope = RuleParser.Scope(doc.Raw("scope"));
            if (scope.RoomId is not null && (await rooms.FindAsync(scope.RoomId, ct))?.OrgId != r.OrgId)
                throw ApiException.Invalid("scope.room_id", "is not a room of this organization");
            r.Scope = RuleParser.ToJson(scope)?.ToJsonString();
        }
        if (doc.Has("webhook_url")) r.WebhookUrl = Check.Url(doc.String("webhook_url"), "webhook_url");
        if (doc.Has("webhook_preset"))
        {
            var preset = doc.String("webhook_preset");
            r.WebhookPreset = preset is null ? null : Check.OneOf(preset, "webhook_preset", RuleTypes.Presets);
        }
        if (r.WebhookPreset is not null && r.WebhookUrl is null) throw ApiException.Invalid("webhook_preset", "needs a webhook_url");
        if (doc.Has("notify")) r.Notify = Bool(doc, "notify") ? 1 : 0;
        if (doc.Has("enabled")) r.Enabled = Bool(doc, "enabled") ? 1 : 0;
    }

    private static bool Bool(PatchDocument doc, string name) => doc.Raw(name).ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw ApiException.Invalid(name, "must be true or false"),
    };
}
