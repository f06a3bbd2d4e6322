import { seg, Transport } from "../http.js";
import { paginate, type PaginateOptions } from "../pagination.js";
import type { JsonObject, Org, Room } from "../types.js";

/** Organizations and their rooms (docs/api.md "Orgs, users, rooms"). */
export class OrgsResource {
  /** @internal */
  constructor(private readonly api: Transport) {}

  /** All organizations the caller can see (up to 1,000; `listAll` pages through more). */
  async list(options: { limit?: number; offset?: number } = {}): Promise<Org[]> {
    return this.api.json<Org[]>({ method: "GET", path: "orgs", query: { limit: options.limit ?? 1000, offset: options.offset }, idempotent: true });
  }

  /** Every organization the caller can see, page by page. */
  listAll(paging: PaginateOptions = {}): AsyncGenerator<Org, void, undefined> {
    return paginate((p) => this.list(p), { pageSize: 1000, ...paging });
  }

  /** Org details including white-label settings. */
  async get(orgId: string): Promise<Org> {
    return this.api.json<Org>({ method: "GET", path: `orgs/${seg(orgId)}`, idempotent: true });
  }

  /** Creates an org (super_admin or partner): `{ name, slug?, plan?, product?, partner_id? }`; duplicate slug: 409. */
  async create(input: { name: string; slug?: string; plan?: string; product?: string; partner_id?: string }): Promise<Org> {
    return this.api.json<Org>({ method: "POST", path: "orgs", body: input });
  }

  /** Merge-patches org settings (`name`, `logo_url`, `primary_color`, `custom_domain`, `timezone`, …). */
  async update(orgId: string, patch: JsonObject): Promise<Org> {
    return this.api.json<Org>({ method: "PATCH", path: `orgs/${seg(orgId)}`, body: patch, idempotent: true });
  }

  /** All rooms / zones of an org. */
  async rooms(orgId: string): Promise<Room[]> {
    return this.api.json<Room[]>({ method: "GET", path: `orgs/${seg(orgId)}/rooms`, idempotent: true });
  }

  /** Creates a room: `{ name, floor?, building? }`. */
  async createRoom(orgId: string, input: { name: string; floor?: string; building?: string }): Promise<Room> {
    return this.api.json<Room>({ method: "POST", path: `orgs/${seg(orgId)}/rooms`, body: input });
  }
}
