using EdgeConductor.Sdk.Http;

namespace EdgeConductor.Sdk.Audit;

/// <summary>The audit log: <c>client.Audit</c>.</summary>
public sealed class AuditClient
{
    private readonly ApiTransport _api;

    internal AuditClient(ApiTransport api) => _api = api;

    /// <summary>The org's latest audit events, newest first (100 unless <see cref="AuditListOptions.Limit"/> says otherwise).</summary>
    public Task<IReadOnlyList<AuditEvent>> ListAsync(string orgId, AuditListOptions? options = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync<IReadOnlyList<AuditEvent>>(HttpMethod.Get, ApiTransport.WithQuery($"orgs/{ApiTransport.Segment(orgId)}/audit",
            ("limit", options?.Limit), ("action", options?.Action), ("before_id", options?.BeforeId),
            ("target_type", options?.TargetType), ("target_id", options?.TargetId)), null, true, cancellationToken);

    /// <summary>The audit trail of one device (events whose target is that serial), newest first.</summary>
    public Task<IReadOnlyList<AuditEvent>> ListForDeviceAsync(string orgId, string serial, int limit = 50, CancellationToken cancellationToken = default) =>
        ListAsync(orgId, new AuditListOptions { Limit = limit, TargetType = "device", TargetId = serial }, cancellationToken);

    /// <summary>The org's last <paramref name="limit"/> audit events, newest first.</summary>
    public Task<IReadOnlyList<AuditEvent>> ListAsync(string orgId, int limit, CancellationToken cancellationToken = default) =>
        ListAsync(orgId, new AuditListOptions { Limit = limit }, cancellationToken);
}
