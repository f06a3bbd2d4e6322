namespace EdgeConductor.Sdk.Audit;

/// <summary>Filters of <see cref="AuditClient.ListAsync(string, AuditListOptions?, CancellationToken)"/>.</summary>
public sealed record AuditListOptions
{
    /// <summary>How many events, 1–1000 (server default 100).</summary>
    public int? Limit { get; init; }

    /// <summary>Only events with this action.</summary>
    public string? Action { get; init; }

    /// <summary>Only events older than this id (for paging back).</summary>
    public long? BeforeId { get; init; }

    /// <summary>Only events about objects of this type, e.g. <c>device</c> (<c>target_type</c>).</summary>
    public string? TargetType { get; init; }

    /// <summary>Only events about this object, e.g. a device serial (<c>target_id</c>).</summary>
    public string? TargetId { get; init; }
}
