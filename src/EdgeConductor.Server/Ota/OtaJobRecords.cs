namespace EdgeConductor.Server.Ota;

/// <summary>A row of <c>ota_jobs</c>: one push (to a device or a product type), numbered per org.</summary>
public sealed class OtaJob
{
    public string Id { get; set; } = "";
    public string OrgId { get; set; } = "";
    public long Number { get; set; }
    public string FirmwareId { get; set; } = "";
    /// <summary><c>device</c> or <c>product_type</c>.</summary>
    public string TargetKind { get; set; } = "";
    /// <summary>The serial or the product type.</summary>
    public string Target { get; set; } = "";
    public long AllowDowngrade { get; set; }
    public string Status { get; set; } = "";
    public string? StatusReason { get; set; }
    public string? Rollout { get; set; }
    public long CurrentGroup { get; set; }
    public long? GroupStartedAt { get; set; }
    public string? CreatedBy { get; set; }
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
}

/// <summary>A row of <c>ota_job_devices</c>: one device's progress in one job.</summary>
public sealed class OtaJobDevice
{
    public string JobId { get; set; } = "";
    public string DeviceId { get; set; } = "";
    public string Serial { get; set; } = "";
    public long GroupNo { get; set; }
    public string State { get; set; } = "";
    public string? FromVersion { get; set; }
    public long? Progress { get; set; }
    public string? Error { get; set; }
    public long Attempts { get; set; }
    public long? ReleasedAt { get; set; }
    public long? SentAt { get; set; }
    public long? DeadlineAt { get; set; }
    public long StateChangedAt { get; set; }
    public long? FinishedAt { get; set; }
}

/// <summary>A job device with what delivering it needs (the job's firmware and number).</summary>
public sealed class OtaDelivery
{
    public string JobId { get; set; } = "";
    public long JobNumber { get; set; }
    public string OrgId { get; set; } = "";
    public string DeviceId { get; set; } = "";
    public string Serial { get; set; } = "";
    public string State { get; set; } = "";
    public string FirmwareId { get; set; } = "";
    public string Version { get; set; } = "";
    public string Sha256 { get; set; } = "";
    public long Size { get; set; }
    public string? Signature { get; set; }
}
