import { seg, Transport } from "../http.js";
import type { JsonObject, OtaJob } from "../types.js";

/** Body of `otaJobs.create` (docs/ota.md "Jobs"). */
export interface CreateOtaJobInput {
  firmware_id: string;
  product_type?: string;
  allow_downgrade?: boolean;
  /** Staged rollout: `{ groups: ["5%", "25%", "100%"], success_threshold_pct?, error_threshold_pct?, max_per_minute?, wait_minutes? }`. */
  rollout?: JsonObject;
}

/** OTA jobs: a release rolled out to every device of a product type, in groups (docs/ota.md). */
export class OtaJobsResource {
  /** @internal */
  constructor(private readonly api: Transport) {}

  /** Creates a job (`POST /orgs/:id/ota-jobs`). */
  async create(orgId: string, input: CreateOtaJobInput): Promise<OtaJob> {
    return this.api.json<OtaJob>({ method: "POST", path: `orgs/${seg(orgId)}/ota-jobs`, body: input });
  }

  /** Recent jobs, newest first (`GET /orgs/:id/ota-jobs` with `orgId`, else `GET /ota-jobs`); `limit` default 20. */
  async list(options: { orgId?: string; limit?: number } = {}): Promise<OtaJob[]> {
    const path = options.orgId !== undefined ? `orgs/${seg(options.orgId)}/ota-jobs` : "ota-jobs";
    return this.api.json<OtaJob[]>({ method: "GET", path, query: { limit: options.limit }, idempotent: true });
  }

  /** One job by id or number (`#12` → `12`; a number needs `orgId` for a super admin); `devices: true` adds each device's state. */
  async get(idOrNumber: string | number, options: { orgId?: string; devices?: boolean } = {}): Promise<OtaJob> {
    return this.api.json<OtaJob>({ method: "GET", path: `ota-jobs/${seg(idOrNumber)}`, idempotent: true,
      query: { org_id: options.orgId, devices: options.devices ? true : undefined } });
  }

  /** Pauses a running job. */
  async pause(idOrNumber: string | number, options: { orgId?: string } = {}): Promise<OtaJob> {
    return this.control(idOrNumber, "pause", options.orgId);
  }

  /** Resumes a paused job. */
  async resume(idOrNumber: string | number, options: { orgId?: string } = {}): Promise<OtaJob> {
    return this.control(idOrNumber, "resume", options.orgId);
  }

  /** Cancels a job (devices not yet updated are skipped). */
  async cancel(idOrNumber: string | number, options: { orgId?: string } = {}): Promise<OtaJob> {
    return this.control(idOrNumber, "cancel", options.orgId);
  }

  private control(idOrNumber: string | number, action: string, orgId: string | undefined): Promise<OtaJob> {
    return this.api.json<OtaJob>({ method: "POST", path: `ota-jobs/${seg(idOrNumber)}/${action}`, query: { org_id: orgId } });
  }
}
