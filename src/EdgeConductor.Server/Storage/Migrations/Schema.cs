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
        // MQTT broker state that survives restarts (docs/mqtt-server.md, "Persistence"). Sessions are keyed by (owner, client id)
        // as in the broker; messages are opaque MQTT 5 PUBLISH encodings; expires_at are absolute Unix ms (NULL = never / online);
        // expiry_interval is seconds (4294967295 = never). mqtt_queue ids are assigned by the broker, in delivery order.
        new(5, "mqtt_broker_state", """
            CREATE TABLE mqtt_retained (
                topic TEXT PRIMARY KEY,
                message {{BLOB}} NOT NULL,
                sender TEXT,
                expires_at BIGINT
            );
            CREATE TABLE mqtt_sessions (
                owner TEXT NOT NULL,
                client_id TEXT NOT NULL,
                expiry_interval BIGINT NOT NULL,
                expires_at BIGINT,
                PRIMARY KEY (owner, client_id)
            );
            CREATE TABLE mqtt_subscriptions (
                owner TEXT NOT NULL,
                client_id TEXT NOT NULL,
                filter TEXT NOT NULL,
                options INTEGER NOT NULL,
                subscription_id BIGINT NOT NULL,
                PRIMARY KEY (owner, client_id, filter)
            );
            CREATE TABLE mqtt_queue (
                id BIGINT PRIMARY KEY,
                owner TEXT NOT NULL,
                client_id TEXT NOT NULL,
                message {{BLOB}} NOT NULL,
                sender TEXT,
                qos INTEGER NOT NULL,
                retain_flag INTEGER NOT NULL,
                subscription_ids TEXT,
                expires_at BIGINT,
                packet_id INTEGER NOT NULL DEFAULT 0,
                released INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX ix_mqtt_queue_session ON mqtt_queue(owner, client_id);
            """),
        // Command lifecycle (Commands/CommandStore.cs): queued (delivered_at NULL) → sent (delivered_at) → acknowledged
        // (acked_at, status 'acknowledged') → succeeded | failed (completed_at, status) | expired (expires_at passed with no
        // final status: derived when read, so it needs no worker). result: the device's optional result or error text.
        new(6, "command_lifecycle", """
            ALTER TABLE device_commands ADD COLUMN acked_at BIGINT;
            ALTER TABLE device_commands ADD COLUMN completed_at BIGINT;
            ALTER TABLE device_commands ADD COLUMN status TEXT;
            ALTER TABLE device_commands ADD COLUMN result TEXT;
            """),
        // Rules engine (Rules/): rules, the per-(rule, device) state machine (a missing row means "ok"; version is the
        // compare-and-set token so two instances never both take a transition), and one row per scheduled instant of a
        // schedule rule (the idempotency key: the instance whose INSERT wins runs it). orgs.timezone is IANA (schedules).
        new(7, "rules", """
            ALTER TABLE orgs ADD COLUMN timezone TEXT NOT NULL DEFAULT 'UTC';
            CREATE TABLE rules (
                id TEXT PRIMARY KEY,
                org_id TEXT NOT NULL REFERENCES orgs(id),
                name TEXT NOT NULL,
                rule_type TEXT NOT NULL,
                condition TEXT NOT NULL,
                action TEXT NOT NULL,
                clear_action TEXT,
                scope TEXT,
                webhook_url TEXT,
                webhook_preset TEXT,
                notify INTEGER NOT NULL DEFAULT 0,
                enabled INTEGER NOT NULL DEFAULT 1,
                last_fired BIGINT,
                fire_count BIGINT NOT NULL DEFAULT 0,
                last_error TEXT,
                last_error_at BIGINT,
                schedule_since BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            );
            CREATE INDEX ix_rules_org ON rules(org_id, created_at);
            CREATE INDEX ix_rules_type ON rules(rule_type, enabled);
            CREATE TABLE rule_device_state (
                rule_id TEXT NOT NULL,
                device_id TEXT NOT NULL,
                serial_no TEXT NOT NULL,
                state TEXT NOT NULL,
                since BIGINT NOT NULL,
                due_at BIGINT,
                last_value DOUBLE PRECISION,
                last_fired BIGINT,
                suppressed BIGINT NOT NULL DEFAULT 0,
                version BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                PRIMARY KEY (rule_id, device_id)
            );
            CREATE INDEX ix_rule_device_state_due ON rule_device_state(state, due_at);
            CREATE TABLE rule_fires (
                rule_id TEXT NOT NULL,
                instant BIGINT NOT NULL,
                status TEXT NOT NULL,
                claimed_at BIGINT NOT NULL,
                finished_at BIGINT,
                devices INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (rule_id, instant)
            );
            """),
        // Webhooks (Webhooks/, docs/webhooks.md): the per-org signing secret (previous one kept for the rotation grace), the
        // state of each endpoint (org + URL: circuit breaker, failure count, disabled by 410) and the durable outbox / delivery
        // log. status: pending | succeeded | failed; claim_token/claimed_until: the worker instance that holds a due delivery.
        new(8, "webhooks", """
            CREATE TABLE webhook_secrets (
                org_id TEXT PRIMARY KEY,
                secret TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                revealed_at BIGINT,
                previous_secret TEXT,
                previous_expires_at BIGINT
            );
            CREATE TABLE webhook_endpoints (
                org_id TEXT NOT NULL,
                url TEXT NOT NULL,
                consecutive_failures INTEGER NOT NULL,
                open_until BIGINT,
                failing_notified_at BIGINT,
                disabled_at BIGINT,
                updated_at BIGINT NOT NULL,
                PRIMARY KEY (org_id, url)
            );
            CREATE TABLE webhook_deliveries (
                id TEXT PRIMARY KEY,
                message_id TEXT NOT NULL,
                org_id TEXT NOT NULL,
                rule_id TEXT,
                url TEXT NOT NULL,
                preset TEXT,
                event_type TEXT NOT NULL,
                payload TEXT NOT NULL,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                next_attempt_at BIGINT,
                claim_token TEXT,
                claimed_until BIGINT,
                response_code INTEGER,
                latency_ms BIGINT,
                last_error TEXT,
                replay_of TEXT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                completed_at BIGINT
            );
            CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);
            CREATE INDEX ix_webhook_deliveries_org ON webhook_deliveries(org_id, created_at);
            CREATE INDEX ix_webhook_deliveries_rule ON webhook_deliveries(rule_id, created_at);
            """),
        // Anomaly detection (Anomalies/, docs/anomalies.md). anomalies: one row per raised anomaly; ts is the reading's time,
        // created_at the detection time (Unix ms). anomaly_alert_state: per device and field the last alert (time, severity)
        // that the 30-minute cooldown is measured from, claimed with a conditional upsert so two server instances never
        // raise the same alert twice. anomaly_settings: an org's settings document (JSON), absent = the defaults.
        new(9, "anomalies", """
            CREATE TABLE anomalies (
                id TEXT PRIMARY KEY,
                org_id TEXT NOT NULL,
                device_id TEXT NOT NULL,
                device_serial TEXT NOT NULL,
                field TEXT NOT NULL,
                value DOUBLE PRECISION NOT NULL,
                baseline DOUBLE PRECISION NOT NULL,
                deviation_pct DOUBLE PRECISION NOT NULL,
                severity TEXT NOT NULL,
                detector TEXT NOT NULL,
                ts BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                acknowledged_by TEXT,
                acknowledged_at BIGINT
            );
            CREATE INDEX ix_anomalies_org ON anomalies(org_id, created_at);
            CREATE TABLE anomaly_alert_state (
                device_id TEXT NOT NULL,
                field TEXT NOT NULL,
                last_alert_at BIGINT NOT NULL,
                last_severity TEXT NOT NULL,
                PRIMARY KEY (device_id, field)
            );
            CREATE TABLE anomaly_settings (
                org_id TEXT PRIMARY KEY,
                settings TEXT NOT NULL,
                updated_at BIGINT NOT NULL
            );
            """),
        // Notifications (docs/notifications.md): data = the kind's details as JSON (anomaly: field, value, baseline...);
        // notification_reads = per-reader read state (reader 'user:<id>', or 'org:<org id>' for the org's API keys; the
        // old org-wide read_at moves to the org bell and is no longer written); notification_email_prefs = per-user e-mail
        // choices; notification_emails = the durable e-mail outbox (one row per notification x recipient; status pending,
        // held, sent, summarized, failed; attempts/next_attempt_at = retry backoff); notification_email_sends = one row per
        // e-mail sent (the hourly cap counts them); notification_email_leases = per-recipient lease so two server instances
        // never build the same recipient's e-mail at once.
        new(10, "notifications_per_user_and_email", """
            ALTER TABLE notifications ADD COLUMN data TEXT;
            CREATE TABLE notification_reads (
                notification_id TEXT NOT NULL,
                reader TEXT NOT NULL,
                read_at BIGINT NOT NULL,
                PRIMARY KEY (notification_id, reader)
            );
            INSERT INTO notification_reads (notification_id, reader, read_at)
                SELECT id, 'org:' || org_id, read_at FROM notifications WHERE read_at IS NOT NULL;
            CREATE TABLE notification_email_prefs (
                user_id TEXT PRIMARY KEY,
                email_enabled INTEGER NOT NULL,
                email_kinds TEXT,
                updated_at BIGINT NOT NULL
            );
            CREATE TABLE notification_emails (
                id TEXT PRIMARY KEY,
                notification_id TEXT NOT NULL,
                org_id TEXT NOT NULL,
                user_id TEXT NOT NULL,
                recipient TEXT NOT NULL,
                status TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                attempts INTEGER NOT NULL,
                next_attempt_at BIGINT NOT NULL,
                last_error TEXT,
                sent_at BIGINT
            );
            CREATE INDEX ix_notification_emails_status ON notification_emails(status, next_attempt_at);
            CREATE INDEX ix_notification_emails_recipient ON notification_emails(recipient, status);
            CREATE TABLE notification_email_sends (
                id TEXT PRIMARY KEY,
                recipient TEXT NOT NULL,
                org_id TEXT NOT NULL,
                sent_at BIGINT NOT NULL,
                item_count INTEGER NOT NULL,
                held_count INTEGER NOT NULL
            );
            CREATE INDEX ix_notification_email_sends_recipient ON notification_email_sends(recipient, sent_at);
            CREATE TABLE notification_email_leases (
                recipient TEXT PRIMARY KEY,
                owner TEXT NOT NULL,
                until_ms BIGINT NOT NULL
            );
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
        // Booleans now count in aggregates (true = 1, false = 0; TelemetryRollup.ReadNumbers): the rollups are rebuilt from
        // the stored rows by TelemetryRollupWorker (watermark back to 0, a new generation for any pass in flight).
        new(106, "telemetry_rollup_booleans", """
            DELETE FROM telemetry_rollup;
            UPDATE telemetry_rollup_state SET watermark = 0, generation = generation + 1 WHERE id = 1;
            """),
        // QR room claim links (issue 15, RoomClaims/): one-time, expiring, bound to org and room; only the token's SHA-256 is kept.
        new(12, "room_claim_links", """
            CREATE TABLE room_claim_links (
                id TEXT PRIMARY KEY,
                org_id TEXT NOT NULL,
                room_id TEXT NOT NULL,
                token_hash TEXT NOT NULL,
                created_by TEXT,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                used_at BIGINT,
                used_by TEXT
            );
            CREATE UNIQUE INDEX ux_room_claim_links_token ON room_claim_links(token_hash);
            CREATE INDEX ix_room_claim_links_org_created ON room_claim_links(org_id, created_at);
            """),
    ];
}
