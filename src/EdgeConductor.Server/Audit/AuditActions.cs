namespace EdgeConductor.Server.Audit;

/// <summary>The audit actions the platform records.</summary>
public static class AuditActions
{
    public const string DeviceRegistered = "device_registered";
    public const string DeviceUpdated = "device_updated";
    public const string DeviceDeleted = "device_deleted";
    public const string DeviceSecretRotated = "device_secret_rotated";
    public const string DeviceOnline = "device_online";
    public const string DeviceOffline = "device_offline";
    public const string ConfigPushed = "config_pushed";
    public const string RebootRequested = "reboot_requested";
    public const string ApiKeyCreated = "api_key_created";
    public const string ApiKeyRevoked = "api_key_revoked";
    public const string UserCreated = "user_created";
    public const string LoginSucceeded = "login_succeeded";
    public const string LoginFailed = "login_failed";
    public const string LoginThrottled = "login_throttled";
    public const string UserUpdated = "user_updated";
    public const string UserDisabled = "user_disabled";
    public const string UserEnabled = "user_enabled";
    public const string UserDeleted = "user_deleted";
    public const string RefreshTokenReused = "refresh_token_reused";
    public const string OrgCreated = "org_created";
    public const string OrgUpdated = "org_updated";
    public const string RoomCreated = "room_created";
    public const string CommandSent = "command_sent";
    public const string WebhookSecretRevealed = "webhook_secret_revealed";
    public const string WebhookSecretRotated = "webhook_secret_rotated";
    public const string WebhookReplayed = "webhook_replayed";
    public const string AnomalyAcknowledged = "anomaly_acknowledged";
    public const string AnomalySettingsUpdated = "anomaly_settings_updated";
    public const string RuleFired = "rule_fired";
    public const string RuleCreated = "rule_created";
    public const string RuleUpdated = "rule_updated";
    public const string RuleDeleted = "rule_deleted";
    public const string FirmwareUploaded = "firmware_uploaded";
    public const string FirmwareDeleted = "firmware_deleted";
    public const string FirmwareKeyAdded = "firmware_key_added";
    public const string FirmwareKeyDeleted = "firmware_key_deleted";
    public const string OtaSettingsUpdated = "ota_settings_updated";
    public const string OtaPushed = "ota_pushed";
    public const string OtaJobPaused = "ota_job_paused";
    public const string OtaJobResumed = "ota_job_resumed";
    public const string OtaJobCanceled = "ota_job_canceled";
    public const string RoomClaimLinkCreated = "room_claim_link_created";
    public const string RoomClaimed = "room_claimed";
}
