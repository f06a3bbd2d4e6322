import { seg, Transport } from "../http.js";
import type { Anomaly, JsonObject } from "../types.js";

/** Options of `anomalies.list` (seed 000: `{ limit?, unacked? }`). */
export interface AnomalyListOptions {
  limit?: number;
  /** Only unacknowledged anomalies. */
  unacked?: boolean;
  severity?: string;
  field?: string;
  serial?: string;
}

/** Anomaly events (docs/anomalies.md). */
export class AnomaliesResource {
  /** @internal */
  constructor(private readonly api: Transport) {}

  /** An org's anomaly events, newest first. */
  async list(orgId: string, options: AnomalyListOptions = {}): Promise<Anomaly[]> {
    return this.api.json<Anomaly[]>({ method: "GET", path: `orgs/${seg(orgId)}/anomalies`, idempotent: true,
      query: { unacked: options.unacked ? true : undefined, limit: options.limit, severity: options.severity, field: options.field, serial: options.serial } });
  }

  /** One anomaly event. */
  async get(anomalyId: string): Promise<Anomaly> {
    return this.api.json<Anomaly>({ method: "GET", path: `anomalies/${seg(anomalyId)}`, idempotent: true });
  }

  /** Acknowledges (dismisses) an anomaly event. */
  async acknowledge(anomalyId: string): Promise<Anomaly> {
    return this.api.json<Anomaly>({ method: "PATCH", path: `anomalies/${seg(anomalyId)}/acknowledge`, idempotent: true });
  }

  /** The org's detector settings (`GET /orgs/:id/anomaly-settings`). */
  async settings(orgId: string): Promise<JsonObject> {
    return this.api.json<JsonObject>({ method: "GET", path: `orgs/${seg(orgId)}/anomaly-settings`, idempotent: true });
  }

  /** Merge-patches the detector settings (`PATCH /orgs/:id/anomaly-settings`). */
  async updateSettings(orgId: string, patch: JsonObject): Promise<JsonObject> {
    return this.api.json<JsonObject>({ method: "PATCH", path: `orgs/${seg(orgId)}/anomaly-settings`, body: patch, idempotent: true });
  }
}
