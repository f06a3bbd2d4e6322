import { seg, sleep, Transport } from "../http.js";
import type { DeviceCommand, JsonObject } from "../types.js";

const FINAL = new Set(["succeeded", "failed", "expired"]);

/** Device commands (docs/telemetry.md "Commands"): queued, sent over MQTT or picked up by HTTPS polling, acknowledged. */
export class CommandsResource {
  /** @internal */
  constructor(private readonly api: Transport) {}

  /** Sends a command (`POST /devices/:serial/commands` `{ cmd, params?, expires_in? }`): the queued command. */
  async send(serial: string, cmd: string, options: { params?: JsonObject; expiresInSeconds?: number } = {}): Promise<DeviceCommand> {
    const body: JsonObject = { cmd };
    if (options.params !== undefined) body["params"] = options.params;
    if (options.expiresInSeconds !== undefined) body["expires_in"] = options.expiresInSeconds;
    return this.api.json<DeviceCommand>({ method: "POST", path: `devices/${seg(serial)}/commands`, body });
  }

  /** One command and its state. */
  async get(serial: string, commandId: string): Promise<DeviceCommand> {
    return this.api.json<DeviceCommand>({ method: "GET", path: `devices/${seg(serial)}/commands/${seg(commandId)}`, idempotent: true });
  }

  /** The newest commands (1–200, default 20), newest first (`GET /devices/:serial/commands/recent`). */
  async list(serial: string, options: { limit?: number } = {}): Promise<DeviceCommand[]> {
    return this.api.json<DeviceCommand[]>({ method: "GET", path: `devices/${seg(serial)}/commands/recent`, idempotent: true,
      query: { limit: options.limit } });
  }

  /** Polls a command until it is final (succeeded, failed, expired) or `timeoutMs` passed; resolves to its last state. */
  async wait(serial: string, commandId: string, options: { timeoutMs?: number; intervalMs?: number; signal?: AbortSignal } = {}): Promise<DeviceCommand> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const c = await this.get(serial, commandId);
      const left = deadline - Date.now();
      if (FINAL.has(c.state) || left <= 0) return c;
      await sleep(Math.min(left, options.intervalMs ?? 1000), options.signal);
    }
  }
}
