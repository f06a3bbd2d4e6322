import { EdgeConductorError } from "./errors.js";

/** What the client reports before it waits and retries a 429/503 answer (see `EdgeConductorOptions.onRetry`). */
export interface RetryInfo {
  method: string;
  /** The path below the base URL: `devices/EC-1`. */
  path: string;
  /** 429 or 503. */
  status: number;
  /** 1 for the first retry. */
  attempt: number;
  /** How long the client waits before this retry, in milliseconds (Retry-After, else exponential back-off; at most maxRetryDelayMs). */
  delayMs: number;
}

/** Options of `new EdgeConductor(options)`. */
export interface EdgeConductorOptions {
  /** An org API key (`ec_live_…`) or an access token from `POST /auth/login`; sent as `Authorization: Bearer …`. */
  apiKey?: string;
  /** The API root, e.g. `http://localhost:8080/api/v1`. A URL without a path gets `/api/v1`. Default `http://localhost:8080/api/v1`. */
  baseUrl?: string;
  /** How many times a 429 or 503 answer is retried (honouring `Retry-After`). Default 3; 0 turns retries off. */
  maxRetries?: number;
  /** Back-off of the first retry when the answer has no `Retry-After`, doubled each retry. Default 500 ms. */
  retryBaseDelayMs?: number;
  /** Upper bound of any wait between retries, also for a longer `Retry-After`. Default 60,000 ms. */
  maxRetryDelayMs?: number;
  /** Called before each retry (for logging). */
  onRetry?: (info: RetryInfo) => void;
  /** Per-request timeout in milliseconds (not applied to live streams). Default 100,000 ms. */
  timeoutMs?: number;
  /** The fetch implementation; default the global `fetch` (Node 20+, browsers). */
  fetch?: typeof fetch;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
}

/** One request: the path below the base URL, its query and JSON body. */
export interface RequestSpec {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  query?: Record<string, string | number | boolean | null | undefined> | undefined;
  body?: unknown;
  /** Raw body (multipart uploads); sent as is, never retried. */
  rawBody?: BodyInit | undefined;
  /** Retry 503 too (safe only for idempotent calls). 429 is always retried: the rate limiter refuses before the
   * request is handled, so nothing happened on the server. */
  idempotent?: boolean | undefined;
  /** A signal to cancel the request. */
  signal?: AbortSignal | undefined;
  /** Do not apply the timeout (live streams). */
  noTimeout?: boolean | undefined;
  /** Extra headers (e.g. `Accept: text/event-stream`). */
  headers?: Record<string, string> | undefined;
}

/** Default API root (docs/api.md "Base URL"). */
export const DEFAULT_BASE_URL = "http://localhost:8080/api/v1";

/** Normalises a base URL: no query or fragment, a path (default `/api/v1`) ending in `/`. */
export function normalizeBaseUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TypeError(`baseUrl must be an absolute URL such as http://host:8080/api/v1 (got ${JSON.stringify(url)})`);
  }
  u.search = "";
  u.hash = "";
  let path = u.pathname.replace(/\/+$/, "");
  if (path === "") path = "/api/v1";
  u.pathname = path + "/";
  return u.toString();
}

/** Percent-encodes one path segment (a serial, an id); refuses an empty one, which would change the route. */
export function seg(value: string | number): string {
  const s = String(value ?? "");
  if (s === "") throw new TypeError("a path parameter (serial or id) must not be empty");
  // URLs resolve "." and ".." (also as %2E) away as dot-segments (WHATWG URL), so such a segment would reach another route.
  if (s === "." || s === "..") throw new TypeError(`"${s}" cannot be a path parameter`);
  return encodeURIComponent(s);
}

/**
 * Sends requests, retries 429/503 with Retry-After, and turns problem+json answers into EdgeConductorError.
 * Internal: resources use it; users call the resource methods.
 */
export class Transport {
  readonly baseUrl: string;
  private readonly options: EdgeConductorOptions;
  private readonly fetchImpl: typeof fetch;

  constructor(options: EdgeConductorOptions) {
    this.options = options;
    this.baseUrl = normalizeBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
    const f = options.fetch ?? (globalThis as { fetch?: typeof fetch }).fetch;
    if (!f) throw new TypeError("no fetch implementation: use Node 20+ or a modern browser, or pass options.fetch");
    // Called as a plain function, never as a method of this client: browsers throw "Illegal invocation" when
    // window.fetch runs with another `this`.
    this.fetchImpl = (input, init) => f(input, init);
  }

  /** Builds the absolute URL of a path below the base URL with its query (null/undefined members left out). */
  url(path: string, query?: RequestSpec["query"]): string {
    const u = new URL(path.replace(/^\/+/, ""), this.baseUrl);
    if (query) for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) u.searchParams.set(k, String(v));
    return u.toString();
  }

  /** Sends a request and parses its JSON answer (undefined for 204 or an empty body). */
  async json<T>(spec: RequestSpec): Promise<T> {
    const res = await this.send(spec);
    return (await readJson(res)) as T;
  }

  /** Sends a request and returns the successful Response (the caller reads the body); errors reject. */
  async send(spec: RequestSpec): Promise<Response> {
    const url = this.url(spec.path, spec.query);
    const label = `${spec.method} ${spec.path}`;
    const maxRetries = this.options.maxRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { Accept: "application/json", ...this.options.headers, ...spec.headers };
      if (this.options.apiKey) headers["Authorization"] = `Bearer ${this.options.apiKey}`;
      let body: BodyInit | undefined = spec.rawBody;
      if (body === undefined && spec.body !== undefined) {
        headers["Content-Type"] = "application/json";
        body = JSON.stringify(spec.body);
      }
      const timeoutMs = this.options.timeoutMs ?? 100_000;
      const controller = new AbortController();
      const onAbort = () => controller.abort(spec.signal?.reason);
      if (spec.signal) {
        if (spec.signal.aborted) throw spec.signal.reason ?? new DOMException("Aborted", "AbortError");
        spec.signal.addEventListener("abort", onAbort, { once: true });
      }
      let timedOut = false;
      const timer = spec.noTimeout ? undefined : setTimeout(() => { timedOut = true; controller.abort(); }, timeoutMs);
      let res: Response;
      try {
        res = await this.fetchImpl(url, { method: spec.method, headers, body: body ?? null, signal: controller.signal });
      } catch (e) {
        spec.signal?.removeEventListener("abort", onAbort);
        if (spec.signal?.aborted) throw spec.signal.reason ?? e;
        if (timedOut) throw new EdgeConductorError({ status: 0, code: "TIMEOUT", message: `${label} timed out after ${timeoutMs} ms`, request: label, cause: e });
        throw new EdgeConductorError({ status: 0, code: "NETWORK_ERROR", message: `${label} failed: ${(e as Error)?.message ?? e}`, request: label, cause: e });
      } finally {
        if (timer !== undefined) clearTimeout(timer);
      }
      // A successful answer keeps the caller's signal linked: aborting it still cancels reading the body (live streams).
      if (res.ok) return res;
      spec.signal?.removeEventListener("abort", onAbort);
      const retryable = res.status === 429 || (res.status === 503 && spec.idempotent === true);
      if (retryable && spec.rawBody === undefined && attempt < maxRetries) {
        const delayMs = this.retryDelay(res, attempt);
        await res.body?.cancel().catch(() => undefined);
        this.options.onRetry?.({ method: spec.method, path: spec.path, status: res.status, attempt: attempt + 1, delayMs });
        await sleep(delayMs, spec.signal);
        continue;
      }
      throw await toError(res, label);
    }
  }

  /** The wait before retry `attempt` (0-based): Retry-After (seconds or HTTP date), else base × 2^attempt; clamped to [0, maxRetryDelayMs]. */
  retryDelay(res: Response, attempt: number): number {
    const ra = parseRetryAfter(res.headers.get("retry-after"));
    const base = this.options.retryBaseDelayMs ?? 500;
    const max = this.options.maxRetryDelayMs ?? 60_000;
    const delay = ra !== undefined ? ra * 1000 : base * 2 ** attempt;
    return Math.min(Math.max(0, Math.round(delay)), max);
  }
}

/** Retry-After as seconds: a delta (`"2"`) or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const date = Date.parse(v);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, (date - Date.now()) / 1000);
}

/** Waits `ms` milliseconds, rejecting early when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(signal.reason); return; }
    const t = setTimeout(() => { signal?.removeEventListener("abort", onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(signal?.reason); };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Reads a JSON body; undefined for 204 or an empty body. */
export async function readJson(res: Response): Promise<unknown> {
  if (res.status === 204) return undefined;
  const text = await res.text();
  if (text.trim() === "") return undefined;
  return JSON.parse(text);
}

/** Turns a failed answer into an EdgeConductorError (problem+json fields when the body has them). */
export async function toError(res: Response, label: string): Promise<EdgeConductorError> {
  let text = "";
  try { text = await res.text(); } catch { /* the body could not be read: the status is still reported */ }
  let body: unknown = text;
  let code: string | undefined, title: string | undefined, detail: string | undefined, traceId: string | undefined;
  let errors: Record<string, string[]> | undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    body = parsed;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      const p = parsed as Record<string, unknown>;
      const str = (k: string) => (typeof p[k] === "string" ? (p[k] as string) : undefined);
      code = str("code");
      title = str("title");
      detail = str("detail") ?? str("error") ?? str("message");
      traceId = str("trace_id");
      if (p["errors"] && typeof p["errors"] === "object" && !Array.isArray(p["errors"])) {
        errors = {};
        for (const [k, v] of Object.entries(p["errors"] as Record<string, unknown>))
          errors[k] = Array.isArray(v) ? v.map((x) => (typeof x === "string" ? x : JSON.stringify(x))) : [String(v)];
      }
    }
  } catch {
    const t = text.trim();
    if (t) detail = t.length > 500 ? t.slice(0, 500) + "…" : t;
  }
  title ??= res.statusText || undefined;
  return new EdgeConductorError({
    status: res.status, code, title, detail, errors, traceId, request: label, body,
    retryAfter: parseRetryAfter(res.headers.get("retry-after")),
  });
}
