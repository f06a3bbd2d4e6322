using System.Text.Json;
using EdgeConductor.Server.Audit;
using EdgeConductor.Server.Auth;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Devices;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Gateway;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Ota;

/// <summary>
/// Pushes and jobs (seed 000 <c>POST /devices/:serial/ota</c>, <c>ec ota push|jobs|job</c>; issue 13): push to a device, push
/// to a product type with an optional staged rollout, list and inspect jobs, pause / resume / cancel, and the device's
/// HTTPS status report.
/// </summary>
public static class OtaJobsApi
{
    public sealed record PushRequest(string? FirmwareId, bool? AllowDowngrade);
    public sealed record JobRequest(string? FirmwareId, string? ProductType, bool? AllowDowngrade, JsonElement? Rollout);
    public sealed record StatusResponse(bool Ok, string? State);

    /// <summary>The body of <c>POST /devices/:serial/ota/status</c> (see <see cref="OtaStatusReport"/>).</summary>
    public sealed record StatusRequest(string Status, string? JobId, int? Progress, string? Error, string? FwVersion);

    public static RouteGroupBuilder MapOtaJobsApi(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("").WithTags("OTA");
        g.MapPost("/devices/{serial}/ota", Push).Produces<OtaPushResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        g.MapPost("/devices/{serial}/ota/status", Status).AllowAnonymous().VerifiesDeviceCredential()
            .DocumentsJsonBody<StatusRequest>().Produces<StatusResponse>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(404);
        g.MapPost("/orgs/{orgId}/ota-jobs", CreateJob).Produces<OtaJobDto>(StatusCodes.Status201Created)
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        g.MapGet("/orgs/{orgId}/ota-jobs", ListOfOrg).Produces<IReadOnlyList<OtaJobDto>>().ProducesProblem(404);
        g.MapGet("/ota-jobs", List).Produces<IReadOnlyList<OtaJobDto>>();
        g.MapGet("/ota-jobs/{id}", Get).Produces<OtaJobDto>().ProducesProblem(400).ProducesProblem(404);
        g.MapPost("/ota-jobs/{id}/pause", Pause).Produces<OtaJobDto>().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        g.MapPost("/ota-jobs/{id}/resume", Resume).Produces<OtaJobDto>().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        g.MapPost("/ota-jobs/{id}/cancel", Cancel).Produces<OtaJobDto>().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        return api;
    }

    private static async Task<IResult> Push(string serial, PushRequest? body, RequestContext ctx, DeviceStore devices, FirmwareStore firmware,
        OtaJobStore jobs, OtaService ota, AuditLog audit)
    {
        var device = await DevicesApi.RequireDeviceAsync(serial, ctx, devices);
        ctx.RequireRole(Roles.Managers);
        body = Check.Body(body);
        var fwId = Check.Required(body.FirmwareId, "firmware_id", 64);
        var fw = await firmware.FindAsync(fwId, await ctx.ScopeAsync(), ctx.Aborted);
        if (fw is null || fw.OrgId != device.OrgId) throw ApiException.NotFound($"Firmware '{fwId}' not found in the device's org.");
        if (fw.ProductType != device.ProductType)
            throw ApiException.Conflict($"Firmware {fw.Version} is for product type '{fw.ProductType}'; device {serial} is '{device.ProductType}'.");
        var allow = body.AllowDowngrade ?? false;
        if (OtaService.SkipReason(device.FwVersion, fw.Version, allow) is { } refused) throw ApiException.Conflict($"Not pushed: {refused}.");
        var job = await ota.CreateJobAsync(fw.OrgId, fw, "device", serial, [device], allow, RolloutPlan.All, ctx.Caller.Id, ctx.Aborted);
        var state = (await jobs.DeliveryAsync(job.Id, device.Id, ctx.Aborted))?.State ?? OtaStates.Pending;
        var delivered = state != OtaStates.Pending;
        await audit.WriteAsync(ctx.Audit(fw.OrgId, AuditActions.OtaPushed, "device", serial,
            new { firmware_id = fw.Id, version = fw.Version, job_id = job.Id, job_number = job.Number, delivered_live = delivered }), ctx.Aborted);
        return TypedResults.Accepted($"/api/v1/ota-jobs/{job.Id}", new OtaPushResponse(true, job.Id, job.Number, fw.Version, delivered, state));
    }

    private static async Task<IResult> CreateJob(string orgId, JobRequest? body, RequestContext ctx, DeviceStore devices, FirmwareStore firmware,
        OtaJobStore jobs, OtaService ota, AuditLog audit)
    {
        var org = await ctx.RequireManagedOrgAsync(orgId);
        body = Check.Body(body);
        var fwId = Check.Required(body.FirmwareId, "firmware_id", 64);
        var fw = await firmware.FindAsync(fwId, await ctx.ScopeAsync(), ctx.Aborted);
        if (fw is null || fw.OrgId != org.Id) throw ApiException.NotFound($"Firmware '{fwId}' not found in this org.");
        var productType = Check.Optional(body.ProductType, "product_type", 64) ?? fw.ProductType;
        if (productType != fw.ProductType) throw ApiException.Invalid("product_type", $"must be the firmware's product type '{fw.ProductType}'");
        var plan = RolloutPlan.Parse(body.Rollout);
        var targets = await devices.ListByProductTypeAsync(org.Id, productType, ctx.Aborted);
        if (targets.Count == 0) throw ApiException.Conflict($"The org has no devices of product type '{productType}'.");
        var job = await ota.CreateJobAsync(org.Id, fw, "product_type", productType, targets, body.AllowDowngrade ?? false, plan, ctx.Caller.Id, ctx.Aborted);
        await audit.WriteAsync(ctx.Audit(org.Id, AuditActions.OtaPushed, "product_type", productType,
            new { firmware_id = fw.Id, version = fw.Version, job_id = job.Id, job_number = job.Number, devices = targets.Count, rollout = job.Rollout is not null }), ctx.Aborted);
        return TypedResults.Created($"/api/v1/ota-jobs/{job.Id}", await DtoAsync(job, jobs, firmware, false, ctx.Aborted));
    }

    private static async Task<IResult> Status(string serial, RequestContext ctx, DeviceStore devices, OtaService ota)
    {
        var (device, _) = await DeviceCredential.RequireDeviceOrCallerAsync(serial, ctx, devices, write: true);
        var body = await DeviceRequestBody.ReadAsync(ctx.Http.Request, OtaStatusReport.MaxBytes, ctx.Aborted);
        if (body.Length == 0) throw ApiException.BadRequest("A JSON request body is required.");
        var (report, field, error) = OtaStatusReport.Parse(body);
        if (report is null) throw ApiException.Invalid(field!, error!);
        var outcome = await ota.ReportAsync(new DeviceRef(device.Id, device.SerialNo, device.OrgId), report, ctx.Aborted);
        if (outcome.UnknownJob) throw ApiException.NotFound(outcome.Error!);
        return TypedResults.Ok(new StatusResponse(true, outcome.State));
    }

    private static async Task<IResult> ListOfOrg(string orgId, int? limit, int? offset, RequestContext ctx, OtaJobStore jobs, FirmwareStore firmware)
    {
        var org = await ctx.RequireOrgAsync(orgId);
        return TypedResults.Ok(await DtosAsync(await jobs.ListAsync(await ctx.ScopeAsync(), org.Id, Paging.From(limit, offset, 20), ctx.Aborted), jobs, firmware, ctx.Aborted));
    }

    private static async Task<IResult> List(int? limit, int? offset, RequestContext ctx, OtaJobStore jobs, FirmwareStore firmware) =>
        TypedResults.Ok(await DtosAsync(await jobs.ListAsync(await ctx.ScopeAsync(), null, Paging.From(limit, offset, 20), ctx.Aborted), jobs, firmware, ctx.Aborted));

    private static async Task<IResult> Get(string id, string? orgId, bool? devices, RequestContext ctx, OtaJobStore jobs, FirmwareStore firmware)
    {
        var job = await RequireJobAsync(id, orgId, ctx, jobs);
        return TypedResults.Ok(await DtoAsync(job, jobs, firmware, devices ?? false, ctx.Aborted));
    }

    private static async Task<IResult> Pause(string id, string? orgId, RequestContext ctx, OtaJobStore jobs, FirmwareStore firmware, OtaService ota, AuditLog audit) =>
        await ControlAsync(id, orgId, ctx, jobs, firmware, audit, AuditActions.OtaJobPaused, job => ota.PauseAsync(job, "paused by " + ctx.Caller.Kind, ctx.Aborted), "active");

    private static async Task<IResult> Resume(string id, string? orgId, RequestContext ctx, OtaJobStore jobs, FirmwareStore firmware, OtaService ota, AuditLog audit) =>
        await ControlAsync(id, orgId, ctx, jobs, firmware, audit, AuditActions.OtaJobResumed, job => ota.ResumeAsync(job, ctx.Aborted), "paused");

    private static async Task<IResult> Cancel(string id, string? orgId, RequestContext ctx, OtaJobStore jobs, FirmwareStore firmware, OtaService ota, AuditLog audit) =>
        await ControlAsync(id, orgId, ctx, jobs, firmware, audit, AuditActions.OtaJobCanceled, job => ota.CancelAsync(job, ctx.Aborted), "active or paused");

    private static async Task<IResult> ControlAsync(string id, string? orgId, RequestContext ctx, OtaJobStore jobs, FirmwareStore firmware, AuditLog audit,
        string action, Func<OtaJob, Task<bool>> change, string needed)
    {
        var job = await RequireJobAsync(id, orgId, ctx, jobs);
        ctx.RequireRole(Roles.Managers);
        if (!await change(job)) throw ApiException.Conflict($"Job #{job.Number} is {job.Status}; this needs a job that is {needed}.");
        await audit.WriteAsync(ctx.Audit(job.OrgId, action, "ota_job", job.Id, new { number = job.Number }), ctx.Aborted);
        var updated = await jobs.FindUnscopedAsync(job.Id, ctx.Aborted) ?? job;
        return TypedResults.Ok(await DtoAsync(updated, jobs, firmware, false, ctx.Aborted));
    }

    /// <summary>
    /// A job by id, or by its number (<c>12</c>) in <paramref name="orgId"/> (default: the caller's org). 404 when the
    /// caller cannot see it, whether or not it exists.
    /// </summary>
    internal static async Task<OtaJob> RequireJobAsync(string id, string? orgId, RequestContext ctx, OtaJobStore jobs)
    {
        var scope = await ctx.ScopeAsync();
        OtaJob? job;
        if (long.TryParse(id.TrimStart('#'), out var number))
        {
            var org = orgId ?? ctx.Caller.OrgId ?? throw ApiException.Invalid("org_id", "is required to find a job by its number");
            job = await jobs.FindByNumberAsync(org, number, scope, ctx.Aborted);
        }
        else job = id.Length <= 64 ? await jobs.FindAsync(id, scope, ctx.Aborted) : null;
        return job ?? throw ApiException.NotFound($"OTA job '{id}' not found.");
    }

    private static async Task<OtaJobDto> DtoAsync(OtaJob job, OtaJobStore jobs, FirmwareStore firmware, bool withDevices, CancellationToken ct)
    {
        var counts = await jobs.CountsAsync([job.Id], ct);
        var fw = await firmware.FindUnscopedAsync(job.FirmwareId, ct);
        return OtaJobDto.From(job, fw, counts[job.Id], withDevices ? await jobs.DevicesAsync(job.Id, ct) : null);
    }

    private static async Task<List<OtaJobDto>> DtosAsync(IReadOnlyList<OtaJob> list, OtaJobStore jobs, FirmwareStore firmware, CancellationToken ct)
    {
        var counts = await jobs.CountsAsync(list.Select(j => j.Id).ToList(), ct);
        var releases = new Dictionary<string, FirmwareRelease?>();
        var result = new List<OtaJobDto>();
        foreach (var j in list)
        {
            if (!releases.TryGetValue(j.FirmwareId, out var fw)) releases[j.FirmwareId] = fw = await firmware.FindUnscopedAsync(j.FirmwareId, ct);
            result.Add(OtaJobDto.From(j, fw, counts[j.Id]));
        }
        return result;
    }
}
