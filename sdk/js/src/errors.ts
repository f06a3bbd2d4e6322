/**
 * The error every failed API call rejects with: the server's `application/problem+json` answer (docs/api.md,
 * "Errors") turned into fields. Network failures and timeouts are EdgeConductorError too, with `status` 0 and
 * `code` `NETWORK_ERROR` / `TIMEOUT`.
 */
export class EdgeConductorError extends Error {
  /** HTTP status (400, 401, 403, 404, 409, 413, 415, 429, 500, 503 …); 0 when no answer arrived. */
  readonly status: number;
  /** The machine code from the problem body: `BAD_REQUEST`, `UNAUTHORIZED`, `FORBIDDEN`, `NOT_FOUND`, `CONFLICT`,
   * `RATE_LIMITED`, `SERVICE_UNAVAILABLE` …; derived from the status when the body has none. */
  readonly code: string;
  /** The problem's `title` ("One or more validation errors occurred."), when present. */
  readonly title: string | undefined;
  /** The problem's `detail` ("serial_no: must be at most 64 characters"), when present. */
  readonly detail: string | undefined;
  /** The first field named by a 400's `errors` member (`serial_no`), when present. */
  readonly field: string | undefined;
  /** Every field named by a 400 and its messages: `{ serial_no: ["must be at most 64 characters"] }`. */
  readonly errors: Record<string, string[]> | undefined;
  /** Seconds from the `Retry-After` header (429, 503), when present. */
  readonly retryAfter: number | undefined;
  /** The server's `trace_id`, to quote when reporting a problem. */
  readonly traceId: string | undefined;
  /** The request that failed: `GET /devices/EC-1`. */
  readonly request: string | undefined;
  /** The parsed problem body as received (or the raw text when it was not JSON). */
  readonly body: unknown;

  constructor(init: {
    status: number; code?: string | undefined; message?: string | undefined; title?: string | undefined; detail?: string | undefined;
    errors?: Record<string, string[]> | undefined; retryAfter?: number | undefined; traceId?: string | undefined;
    request?: string | undefined; body?: unknown; cause?: unknown;
  }) {
    const code = init.code ?? codeForStatus(init.status);
    const message = init.message ?? init.detail ?? init.title ?? `HTTP ${init.status}`;
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "EdgeConductorError";
    this.status = init.status;
    this.code = code;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors;
    this.field = init.errors ? Object.keys(init.errors)[0] : undefined;
    this.retryAfter = init.retryAfter;
    this.traceId = init.traceId;
    this.request = init.request;
    this.body = init.body;
  }
}

/** The code the server uses for a status (docs/api.md table), for answers whose body carries none. */
export function codeForStatus(status: number): string {
  switch (status) {
    case 0: return "NETWORK_ERROR";
    case 400: return "BAD_REQUEST";
    case 401: return "UNAUTHORIZED";
    case 403: return "FORBIDDEN";
    case 404: return "NOT_FOUND";
    case 405: return "METHOD_NOT_ALLOWED";
    case 409: return "CONFLICT";
    case 412: return "PRECONDITION_FAILED";
    case 413: return "PAYLOAD_TOO_LARGE";
    case 414: return "URI_TOO_LONG";
    case 415: return "UNSUPPORTED_MEDIA_TYPE";
    case 429: return "RATE_LIMITED";
    case 431: return "HEADERS_TOO_LARGE";
    case 500: return "INTERNAL_ERROR";
    case 503: return "SERVICE_UNAVAILABLE";
    default: return `HTTP_${status}`;
  }
}
