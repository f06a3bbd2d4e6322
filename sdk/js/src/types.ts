// Shapes of the objects the REST API returns (docs/api.md and the feature docs). Members are snake_case exactly as
// on the wire (seed 000); times are ISO-8601 UTC strings; ids are UUIDv7 strings unless noted. The server may add
// members: every shape allows more.

/** A JSON object of readings or state: `{ temp: 24.5, relay: true }`. */
export type JsonObject = { [key: string]: unknown };

/** A device (docs/api.md "Devices"). `device_secret` is present only in the 201 answer of a first registration. */
export interface Device {
  id: string;
  serial_no: string;
  product_type: string;
  fw_version: string | null;
  org_id: string | null;
  room_id: string | null;
  tenant_id: string | null;
  tags: string[];
  shadow_reported: JsonObject;
  shadow_desired: JsonObject;
  shadow_version: number;
  last_seen: string | null;
  online: boolean;
  created_at: string;
  updated_at: string;
  /** The MQTT password / `X-Device-Secret` (`ds_…`): only in the answer that created the device. */
  device_secret?: string;
  [key: string]: unknown;
}

/** `GET /devices/:serial/shadow` and the answer of `PATCH …/shadow/desired`. */
export interface Shadow {
  serial_no?: string;
  desired: JsonObject;
  reported: JsonObject;
  delta: JsonObject;
  version: number;
  metadata?: JsonObject;
  [key: string]: unknown;
}

/** A telemetry record: `ts` plus the readings, flat: `{ ts: "…", temp: 24.5, hum: 60 }`. */
export interface TelemetryRecord {
  ts: string;
  [metric: string]: unknown;
}

/** The answer of `POST /devices/:serial/telemetry`. */
export interface TelemetryPushResult {
  ok: boolean;
  ts?: string;
  readings?: number;
  duplicates?: number;
  [key: string]: unknown;
}

/** `GET /devices/:serial/telemetry/latest`: latest value and time of each metric. */
export interface TelemetryLatest {
  serial_no: string;
  last_seen: string | null;
  metrics: Record<string, { value: unknown; ts: string }>;
  [key: string]: unknown;
}

/** One bucket of `GET /devices/:serial/telemetry/aggregate`. */
export interface TelemetryBucket {
  ts: string;
  avg: number | null;
  min: number | null;
  max: number | null;
  count: number;
  [key: string]: unknown;
}

/** An organization (docs/api.md "Orgs"). */
export interface Org {
  id: string;
  name: string;
  slug: string;
  partner_id: string | null;
  plan: string;
  product: string | null;
  logo_url: string | null;
  primary_color: string | null;
  custom_domain: string | null;
  created_at: string;
  updated_at: string;
  [key: string]: unknown;
}

/** A room / zone of an org. */
export interface Room {
  id: string;
  org_id: string;
  name: string;
  floor: string | null;
  building: string | null;
  created_at: string;
  [key: string]: unknown;
}

/** An automation rule (docs/rules.md). */
export interface Rule {
  id: string;
  org_id: string;
  name: string;
  rule_type: "threshold" | "schedule" | string;
  condition: JsonObject;
  action: RuleAction;
  clear_action?: RuleAction | null;
  scope?: RuleScope | null;
  webhook_url: string | null;
  webhook_preset?: string | null;
  notify?: boolean;
  enabled: boolean;
  last_fired: string | null;
  fire_count: number;
  last_error?: string | null;
  created_at: string;
  updated_at: string;
  [key: string]: unknown;
}

/** What a rule sets in the device's desired state when it fires: `{ key: "relay", value: true }`. */
export interface RuleAction {
  key: string;
  value: unknown;
}

/** Which devices a rule applies to (all of the org's devices when absent). */
export interface RuleScope {
  product_type?: string;
  room_id?: string;
  tags?: string[];
  serials?: string[];
}

/** An audit event (docs/api.md "Audit"); `id` is a number. */
export interface AuditEvent {
  id: number;
  org_id: string | null;
  action: string;
  actor_type: string;
  actor_id: string | null;
  target_type: string | null;
  target_id: string | null;
  details: JsonObject | null;
  ip: string | null;
  created_at: string;
  [key: string]: unknown;
}

/** An in-app notification (docs/notifications.md). */
export interface Notification {
  id: string;
  org_id: string;
  kind: string;
  severity: string;
  title: string;
  body: string | null;
  device_serial: string | null;
  created_at: string;
  read_at: string | null;
  data?: JsonObject | null;
  [key: string]: unknown;
}

/** An anomaly event (docs/anomalies.md). */
export interface Anomaly {
  id: string;
  org_id: string;
  serial: string;
  field: string;
  value: number;
  baseline: number;
  deviation_pct: number;
  severity: string;
  detector: string;
  ts: string;
  created_at: string;
  acknowledged: boolean;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  [key: string]: unknown;
}

/** A firmware release (docs/ota.md). */
export interface FirmwareRelease {
  id: string;
  org_id: string;
  version: string;
  product_type: string;
  size: number;
  sha256: string;
  signature: string | null;
  signing_key_id?: string | null;
  notes: string | null;
  created_at: string;
  [key: string]: unknown;
}

/** The answer of `POST /devices/:serial/ota`. */
export interface OtaPushResult {
  ok: boolean;
  job_id: string;
  job_number: number;
  version: string;
  delivered: boolean;
  state: string;
  [key: string]: unknown;
}

/** An OTA job (docs/ota.md). */
export interface OtaJob {
  id: string;
  number: number;
  org_id: string;
  firmware_id: string;
  version: string | null;
  product_type: string | null;
  target_kind: string;
  target: string;
  status: string;
  status_reason: string | null;
  allow_downgrade: boolean;
  rollout: JsonObject | null;
  current_group: number;
  counts: Record<string, number>;
  devices?: JsonObject[];
  created_at: string;
  updated_at: string;
  [key: string]: unknown;
}

/** An API key's metadata (the raw key is never returned after creation). */
export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  org_id: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  [key: string]: unknown;
}

/** The answer of `apiKeys.generate`: the metadata plus the raw `key` (`ec_live_…`), shown only here. */
export interface CreatedApiKey extends ApiKey {
  key: string;
}

/** A device command (docs/telemetry.md "Commands"). */
export interface DeviceCommand {
  id: string;
  serial_no: string;
  cmd: string;
  params: JsonObject | null;
  state: "queued" | "sent" | "acknowledged" | "succeeded" | "failed" | "expired" | string;
  created_at: string;
  expires_at: string;
  sent_at: string | null;
  sent_via: string | null;
  acknowledged_at: string | null;
  completed_at: string | null;
  result: string | null;
  [key: string]: unknown;
}

/** The answer of `devices.reboot`. */
export interface CommandResult {
  ok: boolean;
  command_id?: string;
  delivered?: boolean;
  [key: string]: unknown;
}

/** A webhook delivery (docs/webhooks.md). */
export interface WebhookDelivery {
  id: string;
  webhook_id: string;
  org_id: string;
  rule_id: string | null;
  url: string;
  event_type: string;
  payload: unknown;
  status: string;
  attempts: number;
  response_code: number | null;
  replay_of: string | null;
  created_at: string;
  updated_at: string;
  [key: string]: unknown;
}

/** `POST /orgs/:id/webhook-secret`: the secret (`whsec_…`), shown once. */
export interface WebhookSecret {
  secret: string;
  rotated: boolean;
  fingerprint: string;
  created_at: string;
  previous_expires_at: string | null;
  [key: string]: unknown;
}

/** `GET /orgs/:id/webhook-secret`: metadata only. */
export interface WebhookSecretInfo {
  configured: boolean;
  fingerprint: string | null;
  created_at: string | null;
  revealed: boolean;
  previous_expires_at: string | null;
  [key: string]: unknown;
}

/** `GET /auth/me`. */
export interface Identity {
  kind: "user" | "api_key";
  id: string;
  role: string;
  email: string | null;
  org_id: string | null;
  [key: string]: unknown;
}

/** `POST /auth/login` / `POST /auth/refresh`. */
export interface TokenResponse {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  user: JsonObject;
  [key: string]: unknown;
}
