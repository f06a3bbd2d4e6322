using EdgeConductor.Sdk.Http;

namespace EdgeConductor.Sdk.Anomalies;

/// <summary>Anomaly events: <c>client.Anomalies</c> (seed 000 <c>ec.anomalies</c>).</summary>
public sealed class AnomaliesClient
{
    private readonly ApiTransport _api;

    internal AnomaliesClient(ApiTransport api) => _api = api;

    /// <summary>
    /// The org's anomalies, newest first (50 unless <paramref name="limit"/> says otherwise, at most 500).
    /// <paramref name="unacked"/>: only those not acknowledged yet; <paramref name="severity"/> (warning, critical),
    /// <paramref name="field"/> and <paramref name="serial"/> narrow the list further.
    /// </summary>
    public Task<IReadOnlyList<Anomaly>> ListAsync(string orgId, bool unacked = false, int? limit = null, string? severity = null,
        string? field = null, string? serial = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync<IReadOnlyList<Anomaly>>(HttpMethod.Get, ApiTransport.WithQuery($"orgs/{ApiTransport.Segment(orgId)}/anomalies",
            ("unacked", unacked ? true : null), ("limit", limit), ("severity", severity), ("field", field), ("serial", serial)), null, true, cancellationToken);

    /// <summary>One anomaly.</summary>
    public Task<Anomaly> GetAsync(string anomalyId, CancellationToken cancellationToken = default) =>
        _api.SendAsync<Anomaly>(HttpMethod.Get, $"anomalies/{ApiTransport.Segment(anomalyId)}", null, true, cancellationToken);

    /// <summary>Acknowledges (dismisses) an anomaly and returns it; acknowledging again changes nothing.</summary>
    public Task<Anomaly> AcknowledgeAsync(string anomalyId, CancellationToken cancellationToken = default) =>
        _api.SendAsync<Anomaly>(HttpMethod.Patch, $"anomalies/{ApiTransport.Segment(anomalyId)}/acknowledge", null, true, cancellationToken);
}
