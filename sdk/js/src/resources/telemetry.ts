import { EdgeConductorError } from "../errors.js";
import { seg, sleep, Transport } from "../http.js";
import { readSse } from "../sse.js";
import type { JsonObject, TelemetryBucket, TelemetryLatest, TelemetryPushResult, TelemetryRecord } from "../types.js";

/** Options of `telemetry.history` (seed 000: `{ hours, limit }`). */
export interface HistoryOptions {
  /** The window, 1–168 hours (seed: 1 | 6 | 24 | 168). Default 24 (the server's default). */
  hours?: number;
  /** The newest `limit` records of the window (1–604,800), still oldest first. */
  limit?: number;
}

/** Options of `telemetry.stream`. */
export interface StreamOptions {
  /** Polling period when polling, and the wait before reconnecting a dropped stream. Default 5,000 ms. */
  intervalMs?: number;
  /** `auto` (default): the SSE endpoint, falling back to polling when the server has none (404/405/406/501 or not
   * `text/event-stream`); `sse`: only SSE (reconnects); `poll`: only polling `telemetry/recent`. */
  transport?: "auto" | "sse" | "poll";
  /** Call back first with the latest stored record (if any). Default true. */
  includeLatest?: boolean;
  /** Told about errors the stream survives (dropped connection, failed poll); the stream keeps going. */
  onError?: (error: unknown) => void;
  /** Told which transport is in use: `sse` once connected, `poll` when polling starts. */
  onTransport?: (transport: "sse" | "poll") => void;
}

/** The handle `telemetry.stream` returns. */
export interface StreamHandle {
  /** Stops the stream: closes the connection / stops polling; no callback after it returns. */
  stop(): void;
  /** Resolves when the stream has stopped (after `stop()`, or when it failed for good, e.g. 401/404). */
  readonly done: Promise<void>;
}

/** Telemetry: push, history, recent, latest, aggregate and the live stream (docs/telemetry.md). */
export class TelemetryResource {
  /** @internal */
  constructor(private readonly api: Transport) {}

  /** Pushes readings (`POST /devices/:serial/telemetry`): one object `{ temp: 24.5, … }` (any numeric field; an
   * optional `ts`), or an array of them (a buffered batch). Resolves to `{ ok, ts }` (`readings` for a batch).
   * Invalid values reject with 400 naming the key in `error.field`. */
  async push(serial: string, payload: JsonObject | JsonObject[]): Promise<TelemetryPushResult> {
    return this.api.json<TelemetryPushResult>({ method: "POST", path: `devices/${seg(serial)}/telemetry`, body: payload });
  }

  /** Records of the last `hours`, oldest first (`GET /devices/:serial/telemetry?hours=&limit=`). */
  async history(serial: string, options: HistoryOptions = {}): Promise<TelemetryRecord[]> {
    if (options.hours !== undefined && !(options.hours >= 1 && options.hours <= 168)) throw new RangeError("hours must be between 1 and 168");
    return this.api.json<TelemetryRecord[]>({ method: "GET", path: `devices/${seg(serial)}/telemetry`, idempotent: true,
      query: { hours: options.hours, limit: options.limit } });
  }

  /** The newest `limit` records (1–1,000, default 20), newest first (`GET /devices/:serial/telemetry/recent`). */
  async recent(serial: string, limit = 20): Promise<TelemetryRecord[]> {
    if (!(limit >= 1)) throw new RangeError("limit must be at least 1");
    return this.api.json<TelemetryRecord[]>({ method: "GET", path: `devices/${seg(serial)}/telemetry/recent`, idempotent: true, query: { limit } });
  }

  /** The latest value and time of every metric (`GET /devices/:serial/telemetry/latest`). */
  async latest(serial: string): Promise<TelemetryLatest> {
    return this.api.json<TelemetryLatest>({ method: "GET", path: `devices/${seg(serial)}/telemetry/latest`, idempotent: true });
  }

  /** Buckets of one metric (`GET /devices/:serial/telemetry/aggregate`): `interval` 1m, 5m, 15m, 1h, 6h or 1d;
   * `from`/`to` ISO-8601 (default the last 24 hours). */
  async aggregate(serial: string, options: { metric: string; interval?: string; from?: string | Date; to?: string | Date }): Promise<TelemetryBucket[]> {
    const iso = (d: string | Date | undefined) => (d instanceof Date ? d.toISOString() : d);
    return this.api.json<TelemetryBucket[]>({ method: "GET", path: `devices/${seg(serial)}/telemetry/aggregate`, idempotent: true,
      query: { metric: options.metric, interval: options.interval, from: iso(options.from), to: iso(options.to) } });
  }

  /**
   * Live telemetry of one device. Uses the server's SSE endpoint (`GET /devices/:serial/stream`, readings as they are
   * committed) and falls back to polling `telemetry/recent` every `intervalMs` when the server offers no stream.
   * Calls `callback(record)` only when the payload changed (seed 000): a reading equal to the previous one (same
   * metrics and values, whatever its time) is not reported. The record is flat: `{ ts, temp, hum, … }`.
   * A dropped stream is reconnected after `intervalMs`; 401/403/404 end the stream (reported to `onError`).
   */
  stream(serial: string, callback: (record: TelemetryRecord) => void, options: StreamOptions = {}): StreamHandle {
    const intervalMs = options.intervalMs ?? 5000;
    const controller = new AbortController();
    const signal = controller.signal;
    let last: string | undefined;
    const deliver = (ts: string, data: JsonObject) => {
      if (signal.aborted) return;
      const key = canonical(data);
      if (key === last) return;
      last = key;
      try { callback({ ...data, ts }); } catch (e) { options.onError?.(e); }
    };
    const split = (r: TelemetryRecord): [string, JsonObject] => { const { ts, ...data } = r; return [ts, data]; };
    const fatal = (e: unknown) => e instanceof EdgeConductorError && [400, 401, 403, 404].includes(e.status);

    const run = async () => {
      if (options.includeLatest ?? true) {
        const r = await this.recent(serial, 1);
        if (r[0]) deliver(...split(r[0]));
      }
      let mode: "sse" | "poll" = options.transport === "poll" ? "poll" : "sse";
      let lastPolledTs: string | undefined;
      while (!signal.aborted) {
        if (mode === "sse") {
          let res: Response;
          try {
            res = await this.api.send({ method: "GET", path: `devices/${seg(serial)}/stream`, signal, noTimeout: true,
              headers: { Accept: "text/event-stream" }, idempotent: true });
          } catch (e) {
            if (signal.aborted) return;
            if (e instanceof EdgeConductorError && [404, 405, 406, 501].includes(e.status) && options.transport !== "sse") {
              if (e.status === 404 && await this.deviceMissing(serial)) throw e;
              mode = "poll"; continue;
            }
            if (fatal(e)) throw e;
            options.onError?.(e);
            await sleep(intervalMs, signal);
            continue;
          }
          if (!(res.headers.get("content-type") ?? "").startsWith("text/event-stream") || !res.body) {
            await res.body?.cancel().catch(() => undefined);
            if (options.transport === "sse") throw new EdgeConductorError({ status: res.status, code: "NOT_A_STREAM", message: "the server did not answer with text/event-stream" });
            mode = "poll"; continue;
          }
          options.onTransport?.("sse");
          try {
            for await (const e of readSse(res.body)) {
              if (e.event !== "telemetry") continue;
              let parsed: { ts?: unknown; data?: unknown };
              try { parsed = JSON.parse(e.data) as typeof parsed; } catch { continue; }
              if (!parsed || typeof parsed.data !== "object" || parsed.data === null) continue;
              deliver(typeof parsed.ts === "string" ? parsed.ts : new Date().toISOString(), parsed.data as JsonObject);
            }
          } catch (e) {
            if (signal.aborted) return;
            options.onError?.(e);
          }
          if (signal.aborted) return;
          await sleep(intervalMs, signal); // the stream dropped: reconnect
        } else {
          options.onTransport?.("poll");
          await sleep(intervalMs, signal);
          let r: TelemetryRecord[];
          try {
            r = await this.recent(serial, 1);
          } catch (e) {
            if (signal.aborted) return;
            if (fatal(e)) throw e;
            options.onError?.(e);
            continue;
          }
          if (!r[0] || r[0].ts === lastPolledTs) continue;
          lastPolledTs = r[0].ts;
          deliver(...split(r[0]));
        }
      }
    };
    const done = run().then(() => undefined, (e: unknown) => { if (!signal.aborted) options.onError?.(e); });
    return { stop: () => controller.abort(), done };
  }

  private async deviceMissing(serial: string): Promise<boolean> {
    try {
      await this.api.json({ method: "GET", path: `devices/${seg(serial)}`, idempotent: true });
      return false;
    } catch (e) {
      return e instanceof EdgeConductorError && e.status === 404;
    }
  }
}

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as JsonObject)[k])}`).join(",")}}`;
  return JSON.stringify(value) ?? "null";
}
