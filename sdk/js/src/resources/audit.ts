import { seg, Transport } from "../http.js";
import type { AuditEvent } from "../types.js";

/** Options of `audit.list`. */
export interface AuditListOptions {
  /** 1–1000, default 100. */
  limit?: number;
  offset?: number;
  /** Only events older than this id (stable paging while new events arrive). */
  beforeId?: number;
  /** Only this action, e.g. `config_pushed`. */
  action?: string;
}

/** The audit log (`GET /orgs/:id/audit`), newest first. */
export class AuditResource {
  /** @internal */
  constructor(private readonly api: Transport) {}

  /** The last `limit` events (default 100). Actions include rule_fired, device_offline, ota_pushed, config_pushed. */
  async list(orgId: string, options: AuditListOptions = {}): Promise<AuditEvent[]> {
    return this.api.json<AuditEvent[]>({ method: "GET", path: `orgs/${seg(orgId)}/audit`, idempotent: true,
      query: { limit: options.limit, offset: options.offset, before_id: options.beforeId, action: options.action } });
  }

  /** Every event, newest first, paged by `before_id` (no event is skipped or repeated while new ones are written). */
  async *listAll(orgId: string, options: { action?: string; pageSize?: number } = {}): AsyncGenerator<AuditEvent, void, undefined> {
    const limit = options.pageSize ?? 1000;
    let beforeId: number | undefined;
    for (;;) {
      const page = await this.list(orgId, { limit, action: options.action, ...(beforeId !== undefined ? { beforeId } : {}) });
      yield* page;
      if (page.length < limit) return;
      beforeId = page[page.length - 1]!.id;
    }
  }
}
