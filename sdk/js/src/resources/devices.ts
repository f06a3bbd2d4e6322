import { seg, Transport } from "../http.js";
import { paginate, type PaginateOptions } from "../pagination.js";
import type { CommandResult, Device, JsonObject, Shadow } from "../types.js";

/** Body of `devices.register` (seed 000: `{ serial_no, product_type, fw_version? }`). */
export interface RegisterDeviceInput {
  /** 1–64 characters of `A–Z a–z 0–9 _ . -`. */
  serial_no: string;
  product_type: string;
  fw_version?: string;
  /** Defaults to the caller's org (an API key's). */
  org_id?: string;
}

/** Filters and paging of `devices.list` (seed 000: `{ orgId?, tenantId? }`). */
export interface DeviceListOptions {
  orgId?: string;
  tenantId?: string;
  roomId?: string;
  productType?: string;
  status?: "online" | "offline";
  /** 1–1000, default 100. */
  limit?: number;
  offset?: number;
}

/** `devices.assign`: the org and/or room (and tenant user) to assign; `null` clears. */
export interface DeviceAssignment {
  orgId?: string | null;
  roomId?: string | null;
  tenantId?: string | null;
}

/** The device registry: `POST /devices/register`, `GET|PATCH|DELETE /devices/:serial`, shadow and reboot. */
export class DevicesResource {
  /** @internal */
  constructor(private readonly api: Transport) {}

  /** Registers a device (`POST /devices/register`). Idempotent: an already registered serial of the same org answers
   * 200 with the device (`created: false`, no secret); a first registration answers 201 with `device_secret`.
   * A serial owned by another org rejects with 409 CONFLICT. */
  async register(input: RegisterDeviceInput): Promise<Device & { created: boolean }> {
    const res = await this.api.send({ method: "POST", path: "devices/register", body: input });
    const device = (await res.json()) as Device;
    return { ...device, created: res.status === 201 };
  }

  /** Lists devices the caller can see (`GET /devices`), ordered by serial; one page (`limit`, `offset`). */
  async list(options: DeviceListOptions = {}): Promise<Device[]> {
    return this.api.json<Device[]>({ method: "GET", path: "devices", idempotent: true, query: {
      org_id: options.orgId, tenant_id: options.tenantId, room_id: options.roomId, product_type: options.productType,
      status: options.status, limit: options.limit, offset: options.offset,
    } });
  }

  /** Every device matching the filters, fetched page by page: `for await (const d of ec.devices.listAll({ orgId }))`. */
  listAll(options: Omit<DeviceListOptions, "limit" | "offset"> = {}, paging: PaginateOptions = {}): AsyncGenerator<Device, void, undefined> {
    return paginate((p) => this.list({ ...options, ...p }), { pageSize: 1000, ...paging });
  }

  /** The full device, including `shadow_reported` and `shadow_desired` (`GET /devices/:serial`); 404 NOT_FOUND if unknown. */
  async get(serial: string): Promise<Device> {
    return this.api.json<Device>({ method: "GET", path: `devices/${seg(serial)}`, idempotent: true });
  }

  /** Shorthand for `get()`: only `shadow_reported`, the latest reported values: `{ temp: 24.5, hum: 60 }`. */
  async getShadow(serial: string): Promise<JsonObject> {
    return (await this.get(serial)).shadow_reported ?? {};
  }

  /** The whole shadow document: desired, reported, delta and version (`GET /devices/:serial/shadow`). */
  async shadow(serial: string): Promise<Shadow> {
    return this.api.json<Shadow>({ method: "GET", path: `devices/${seg(serial)}/shadow`, idempotent: true });
  }

  /** Updates the desired state (`PATCH /devices/:serial/shadow/desired`, a JSON merge patch; `null` removes a key); the
   * server delivers it to the device over MQTT. With `version`, it is sent as `If-Match: "<version>"` and a stale
   * version rejects with 412 PRECONDITION_FAILED (docs/telemetry.md). Resolves to the new shadow. */
  async pushConfig(serial: string, config: JsonObject, options: { version?: number } = {}): Promise<Shadow> {
    return this.api.json<Shadow>({ method: "PATCH", path: `devices/${seg(serial)}/shadow/desired`, body: config,
      headers: options.version !== undefined ? { "If-Match": `"${options.version}"` } : undefined });
  }

  /** Sends a reboot command (`POST /devices/:serial/reboot`): `{ ok, command_id, delivered }`. */
  async reboot(serial: string): Promise<CommandResult> {
    return this.api.json<CommandResult>({ method: "POST", path: `devices/${seg(serial)}/reboot` });
  }

  /** Assigns the device to an org and/or room (and tenant) (`PATCH /devices/:serial`); only the given members change. */
  async assign(serial: string, assignment: DeviceAssignment): Promise<Device> {
    const body: Record<string, string | null> = {};
    if (assignment.orgId !== undefined) body["org_id"] = assignment.orgId;
    if (assignment.roomId !== undefined) body["room_id"] = assignment.roomId;
    if (assignment.tenantId !== undefined) body["tenant_id"] = assignment.tenantId;
    return this.api.json<Device>({ method: "PATCH", path: `devices/${seg(serial)}`, body, idempotent: true });
  }

  /** Replaces the device's tags (`PATCH /devices/:serial` `{ tags }`; ≤ 32 strings of 1–64 characters; `null` clears). */
  async setTags(serial: string, tags: string[] | null): Promise<Device> {
    return this.api.json<Device>({ method: "PATCH", path: `devices/${seg(serial)}`, body: { tags }, idempotent: true });
  }

  /** Deletes the device and its telemetry (`DELETE /devices/:serial`); a device seen in the last 5 minutes needs
   * `{ force: true }`, else 409 CONFLICT. */
  async delete(serial: string, options: { force?: boolean } = {}): Promise<{ deleted: boolean; serial_no: string }> {
    return this.api.json({ method: "DELETE", path: `devices/${seg(serial)}`, query: { force: options.force ? true : undefined }, idempotent: true });
  }

  /** Issues a new device secret (`POST /devices/:serial/secret/rotate`); the old one stops working at once. */
  async rotateSecret(serial: string): Promise<{ serial_no: string; device_secret: string }> {
    return this.api.json({ method: "POST", path: `devices/${seg(serial)}/secret/rotate` });
  }
}
