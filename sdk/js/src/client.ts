import { Transport, type EdgeConductorOptions } from "./http.js";
import { AnomaliesResource } from "./resources/anomalies.js";
import { ApiKeysResource } from "./resources/apiKeys.js";
import { AuditResource } from "./resources/audit.js";
import { AuthResource } from "./resources/auth.js";
import { CommandsResource } from "./resources/commands.js";
import { DevicesResource } from "./resources/devices.js";
import { FirmwareResource } from "./resources/firmware.js";
import { NotificationsResource } from "./resources/notifications.js";
import { OrgsResource } from "./resources/orgs.js";
import { OtaJobsResource } from "./resources/otaJobs.js";
import { RulesResource } from "./resources/rules.js";
import { TelemetryResource } from "./resources/telemetry.js";
import { WebhooksResource } from "./resources/webhooks.js";

/**
 * The EdgeConductor client (seed 000 "SDK Reference"):
 * `const ec = new EdgeConductor({ apiKey: 'ec_live_…', baseUrl: 'http://localhost:8080/api/v1' })`.
 * Every method returns a Promise of the server's JSON (snake_case members as on the wire) and rejects with an
 * `EdgeConductorError` for a 4xx/5xx answer; 429 (and 503 for idempotent calls) are retried, honouring Retry-After.
 */
export class EdgeConductor {
  /** Device registry, shadow, reboot, assignment. */
  readonly devices: DevicesResource;
  /** Telemetry push, history, recent and the live stream. */
  readonly telemetry: TelemetryResource;
  /** Threshold and schedule rules. */
  readonly rules: RulesResource;
  /** Organizations and rooms. */
  readonly orgs: OrgsResource;
  /** The audit log. */
  readonly audit: AuditResource;
  /** In-app notifications. */
  readonly notifications: NotificationsResource;
  /** Anomaly events. */
  readonly anomalies: AnomaliesResource;
  /** Firmware releases and pushes. */
  readonly firmware: FirmwareResource;
  /** API keys. */
  readonly apiKeys: ApiKeysResource;
  /** Device commands (beyond the seed). */
  readonly commands: CommandsResource;
  /** OTA jobs (beyond the seed). */
  readonly otaJobs: OtaJobsResource;
  /** Webhook secret and deliveries (beyond the seed). */
  readonly webhooks: WebhooksResource;
  /** Who am I, user log-in (beyond the seed). */
  readonly auth: AuthResource;
  /** The normalised API root, ending in `/` (`http://localhost:8080/api/v1/`). */
  readonly baseUrl: string;

  constructor(options: EdgeConductorOptions = {}) {
    const api = new Transport(options);
    this.baseUrl = api.baseUrl;
    this.devices = new DevicesResource(api);
    this.telemetry = new TelemetryResource(api);
    this.rules = new RulesResource(api);
    this.orgs = new OrgsResource(api);
    this.audit = new AuditResource(api);
    this.notifications = new NotificationsResource(api);
    this.anomalies = new AnomaliesResource(api);
    this.firmware = new FirmwareResource(api);
    this.apiKeys = new ApiKeysResource(api);
    this.commands = new CommandsResource(api);
    this.otaJobs = new OtaJobsResource(api);
    this.webhooks = new WebhooksResource(api);
    this.auth = new AuthResource(api);
  }
}
