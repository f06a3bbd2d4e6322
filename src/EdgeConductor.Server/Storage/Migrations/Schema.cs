namespace EdgeConductor.Server.Storage.Migrations;

/// <summary>
/// Every schema version, in order. Never edit a published migration: add a new one.
/// Times are Unix milliseconds; ids are text (UUIDv7); JSON documents are text.
/// </summary>
public static class Schema
{
    public static readonly IReadOnlyList<Migration> All =
    [
        new(1, "accounts_tenancy_devices_audit", """
            CREATE TABLE settings (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL
            );
            CREATE TABLE partners (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                slug TEXT NOT NULL UNIQUE,
                contact_email TEXT,
                plan TEXT NOT NULL,
                created_at BIGINT NOT NULL
            );
            CREATE TABLE orgs (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                slug TEXT NOT NULL UNIQUE,
                partner_id TEXT REFERENCES partners(id),
                plan TEXT NOT NULL,
                product TEXT,
                logo_url TEXT,
                primary_color TEXT,
                custom_domain TEXT,
                telemetry_retention_days INTEGER NOT NULL DEFAULT 7,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            );
            CREATE INDEX ix_orgs_partner ON orgs(partner_id);
            CREATE TABLE rooms (
                id TEXT PRIMARY KEY,
                org_id TEXT NOT NULL REFERENCES orgs(id),
                name TEXT NOT NULL,
                floor TEXT,
                building TEXT,
                created_at BIGINT NOT NULL
            );
            CREATE INDEX ix_rooms_org ON rooms(org_id);
            CREATE TABLE users (
                id TEXT PRIMARY KEY,
                email TEXT NOT NULL UNIQUE,
                password_hash TEXT NOT NULL,
                role TEXT NOT NULL,
                org_id TEXT REFERENCES orgs(id),
                partner_id TEXT REFERENCES partners(id),
                room_id TEXT REFERENCES rooms(id),
                created_at BIGINT NOT NULL
            );
            CREATE INDEX ix_users_org ON users(org_id);
            CREATE TABLE refresh_tokens (
                id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users(id),
                family_id TEXT NOT NULL,
                token_hash TEXT NOT NULL UNIQUE,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                used_at BIGINT,
                revoked_at BIGINT
            );
            CREATE INDEX ix_refresh_family ON refresh_tokens(family_id);
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                org_id TEXT NOT NULL REFERENCES orgs(id),
                name TEXT NOT NULL,
                prefix TEXT NOT NULL,
                key_hash TEXT NOT NULL UNIQUE,
                created_by TEXT,
                created_at BIGINT NOT NULL,
                last_used_at BIGINT,
                revoked_at BIGINT
            );
            CREATE INDEX ix_api_keys_org ON api_keys(org_id);
            CREATE TABLE devices (
                id TEXT PRIMARY KEY,
                serial_no TEXT NOT NULL UNIQUE,
                product_type TEXT NOT NULL,
                fw_version TEXT,
                org_id TEXT REFERENCES orgs(id),
                room_id TEXT REFERENCES rooms(id),
                tenant_id TEXT REFERENCES users(id),
                tags TEXT NOT NULL DEFAULT '[]',
                secret_hash TEXT NOT NULL,
                shadow_reported TEXT NOT NULL DEFAULT '{}',
                shadow_desired TEXT NOT NULL DEFAULT '{}',
                shadow_metadata TEXT NOT NULL DEFAULT '{}',
                shadow_version BIGINT NOT NULL DEFAULT 0,
                last_seen BIGINT,
                offline_alerted_at BIGINT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            );
            CREATE INDEX ix_devices_org ON devices(org_id);
            CREATE INDEX ix_devices_last_seen ON devices(last_seen);
            CREATE TABLE audit_events (
                id {{AUTO_ID}},
                org_id TEXT,
                action TEXT NOT NULL,
                actor_type TEXT NOT NULL,
                actor_id TEXT,
                target_type TEXT,
                target_id TEXT,
                details TEXT,
                ip TEXT,
                created_at BIGINT NOT NULL
            );
            CREATE INDEX ix_audit_org ON audit_events(org_id, id);
            """),
        new(2, "telemetry_commands_notifications", """
            CREATE TABLE telemetry (
                id {{AUTO_ID}},
                device_id TEXT NOT NULL,
                org_id TEXT,
                ts BIGINT NOT NULL,
                received_at BIGINT NOT NULL,
                payload {{JSON}} NOT NULL
            );
            CREATE INDEX ix_telemetry_device_ts ON telemetry(device_id, ts);
            CREATE INDEX ix_telemetry_org_ts ON telemetry(org_id, ts);
            CREATE TABLE device_commands (
                id TEXT PRIMARY KEY,
                device_id TEXT NOT NULL,
                cmd TEXT NOT NULL,
                payload TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                delivered_at BIGINT,
                delivered_via TEXT
            );
            CREATE INDEX ix_device_commands_device ON device_commands(device_id, created_at);
            CREATE TABLE notifications (
                id TEXT PRIMARY KEY,
                org_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                severity TEXT NOT NULL,
                title TEXT NOT NULL,
                body TEXT,
                device_serial TEXT,
                created_at BIGINT NOT NULL,
                read_at BIGINT
            );
            CREATE INDEX ix_notifications_org ON notifications(org_id, created_at);
            """),
        // Per-minute aggregates of every numeric telemetry field (Telemetry/TelemetryRollupWorker.cs), so a 7-day aggregate
        // reads ~10,000 small rows instead of 120,000 JSON payloads. minute = bucket start (Unix ms, a multiple of 60,000);
        // org_id is the org of the rows ('' for none: a primary key column cannot be NULL), so retention prunes rollups
        // exactly as it prunes rows. value_sum + value_sum_err is the compensated sum (see RollupCell).
        // telemetry_rollup_state: the one row saying which telemetry rows are in the rollups (every id <= watermark, none
        // above); generation changes whenever rows or rollups are deleted, so a rollup pass that read rows before the delete
        // does not write them back.
        new(3, "telemetry_rollup", """
            CREATE TABLE telemetry_rollup (
                device_id TEXT NOT NULL,
                metric TEXT NOT NULL,
                minute BIGINT NOT NULL,
                org_id TEXT NOT NULL,
                value_count BIGINT NOT NULL,
                value_sum DOUBLE PRECISION NOT NULL,
                value_sum_err DOUBLE PRECISION NOT NULL,
                value_min DOUBLE PRECISION NOT NULL,
                value_max DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (device_id, metric, minute, org_id)
            ) {{WITHOUT_ROWID}};
            CREATE INDEX ix_telemetry_rollup_org_minute ON telemetry_rollup(org_id, minute);
            CREATE TABLE telemetry_rollup_state (
                id INTEGER PRIMARY KEY,
                watermark BIGINT NOT NULL,
                generation BIGINT NOT NULL
            );
            INSERT INTO telemetry_rollup_state (id, watermark, generation) VALUES (1, 0, 0);
            """),
        // Users can be disabled (PATCH /users/:id {"disabled": true}): disabled_at is when (Unix ms), NULL while enabled.
        new(4, "users_disabled", """
            ALTER TABLE users ADD COLUMN disabled_at BIGINT;
            """),
        // OTA firmware updates (Ota/, docs/ota.md). firmware_releases: uploaded .bin files, content-addressed by sha256 under
        // EC_DATA_DIR/firmware; firmware_keys: an org's ECDSA P-256 public keys (PEM); ota_org_settings: signing required.
        // ota_jobs: one per push, numbered per org (Job #12), with its rollout plan (JSON) and a lease (lease_owner,
        // lease_until) so one server instance advances a job at a time; ota_job_devices: the per-device state machine
        // (queued → pending → sent → downloading → downloaded → installing → rebooting → succeeded | failed | canceled |
        // skipped) with the phase deadline. devices.pending_fw_version / pending_fw_url: the seed's pending update.
        new(11, "ota", """
            ALTER TABLE devices ADD COLUMN pending_fw_version TEXT;
            ALTER TABLE devices ADD COLUMN pending_fw_url TEXT;
            CREATE TABLE firmware_releases (
                id TEXT PRIMARY KEY,
                org_id TEXT NOT NULL,
                version TEXT NOT NULL,
                product_type TEXT NOT NULL,
                size BIGINT NOT NULL,
                sha256 TEXT NOT NULL,
                signature TEXT,
                signing_key_id TEXT,
                notes TEXT,
                created_by TEXT,
                created_at BIGINT NOT NULL
            );
            CREATE UNIQUE INDEX ux_firmware_releases_version ON firmware_releases(org_id, product_type, version);
            CREATE INDEX ix_firmware_releases_sha ON firmware_releases(sha256);
            CREATE TABLE firmware_keys (
                id TEXT PRIMARY KEY,
                org_id TEXT NOT NULL,
                name TEXT NOT NULL,
                public_key_pem TEXT NOT NULL,
                created_at BIGINT NOT NULL
            );
            CREATE INDEX ix_firmware_keys_org ON firmware_keys(org_id);
            CREATE TABLE ota_org_settings (
                org_id TEXT PRIMARY KEY,
                require_signature BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            );
            CREATE TABLE ota_jobs (
                id TEXT PRIMARY KEY,
                org_id TEXT NOT NULL,
                number BIGINT NOT NULL,
                firmware_id TEXT NOT NULL,
                target_kind TEXT NOT NULL,
                target TEXT NOT NULL,
                allow_downgrade BIGINT NOT NULL,
                status TEXT NOT NULL,
                status_reason TEXT,
                rollout TEXT,
                current_group BIGINT NOT NULL,
                group_started_at BIGINT,
                lease_owner TEXT,
                lease_until BIGINT,
                created_by TEXT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            );
            CREATE UNIQUE INDEX ux_ota_jobs_number ON ota_jobs(org_id, number);
            CREATE INDEX ix_ota_jobs_status ON ota_jobs(status);
            CREATE INDEX ix_ota_jobs_firmware ON ota_jobs(firmware_id);
            CREATE TABLE ota_job_devices (
                job_id TEXT NOT NULL,
                device_id TEXT NOT NULL,
                serial TEXT NOT NULL,
                group_no BIGINT NOT NULL,
                state TEXT NOT NULL,
                from_version TEXT,
                progress BIGINT,
                error TEXT,
                attempts BIGINT NOT NULL,
                released_at BIGINT,
                sent_at BIGINT,
                deadline_at BIGINT,
                state_changed_at BIGINT NOT NULL,
                finished_at BIGINT,
                PRIMARY KEY (job_id, device_id)
            );
            CREATE INDEX ix_ota_job_devices_device ON ota_job_devices(device_id, state);
            CREATE INDEX ix_ota_job_devices_deadline ON ota_job_devices(state, deadline_at);
            """),
    ];
}
