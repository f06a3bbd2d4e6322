using EdgeConductor.Sdk.Http;

namespace EdgeConductor.Sdk.OtaJobs;

/// <summary>OTA jobs: <c>client.OtaJobs</c> — push to a product type (with a staged rollout), list, inspect, pause, resume, cancel.</summary>
public sealed class OtaJobsClient
{
    private readonly ApiTransport _api;

    internal OtaJobsClient(ApiTransport api) => _api = api;

    /// <summary>Pushes a release to every device of its product type in <paramref name="orgId"/> (<c>ec ota push --type</c>).</summary>
    /// <exception cref="EdgeConductorApiException">404 unknown release; 409 no devices of that type; 400 a bad rollout (names the field).</exception>
    public Task<OtaJob> CreateAsync(string orgId, CreateOtaJobRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _api.SendAsync<OtaJob>(HttpMethod.Post, $"orgs/{ApiTransport.Segment(orgId)}/ota-jobs", request, false, cancellationToken);
    }

    /// <summary>Recent jobs (newest first), of one org or of every org the caller can see.</summary>
    public Task<IReadOnlyList<OtaJob>> ListAsync(string? orgId = null, int limit = 20, CancellationToken cancellationToken = default) =>
        _api.SendAsync<IReadOnlyList<OtaJob>>(HttpMethod.Get,
            orgId is null ? ApiTransport.WithQuery("ota-jobs", ("limit", limit)) : ApiTransport.WithQuery($"orgs/{ApiTransport.Segment(orgId)}/ota-jobs", ("limit", limit)),
            null, true, cancellationToken);

    /// <summary>A job by id, or by number (<c>"12"</c>) in <paramref name="orgId"/> (default: the caller's org); with per-device detail when <paramref name="devices"/>.</summary>
    public Task<OtaJob> GetAsync(string idOrNumber, string? orgId = null, bool devices = false, CancellationToken cancellationToken = default) =>
        _api.SendAsync<OtaJob>(HttpMethod.Get, ApiTransport.WithQuery($"ota-jobs/{ApiTransport.Segment(idOrNumber)}", ("org_id", orgId), ("devices", devices ? "true" : null)),
            null, true, cancellationToken);

    /// <summary>Pauses an active job (409 otherwise).</summary>
    public Task<OtaJob> PauseAsync(string idOrNumber, string? orgId = null, CancellationToken cancellationToken = default) => Control(idOrNumber, orgId, "pause", cancellationToken);

    /// <summary>Resumes a paused job (409 otherwise).</summary>
    public Task<OtaJob> ResumeAsync(string idOrNumber, string? orgId = null, CancellationToken cancellationToken = default) => Control(idOrNumber, orgId, "resume", cancellationToken);

    /// <summary>Cancels a job: devices not yet sent the update are canceled; devices already updating finish.</summary>
    public Task<OtaJob> CancelAsync(string idOrNumber, string? orgId = null, CancellationToken cancellationToken = default) => Control(idOrNumber, orgId, "cancel", cancellationToken);

    private Task<OtaJob> Control(string idOrNumber, string? orgId, string action, CancellationToken ct) =>
        _api.SendAsync<OtaJob>(HttpMethod.Post, ApiTransport.WithQuery($"ota-jobs/{ApiTransport.Segment(idOrNumber)}/{action}", ("org_id", orgId)), null, false, ct);
}
