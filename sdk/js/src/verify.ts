/** Options of `verifyWebhook`. */
export interface VerifyWebhookOptions {
  /** How far `webhook-timestamp` may be from now, in seconds, before the request is refused as a replay. Default 300
   * (5 minutes, as docs/webhooks.md recommends). 0 or less turns the check off (for stored test vectors). */
  toleranceSeconds?: number;
  /** "Now" in Unix seconds (tests). Default `Date.now() / 1000`. */
  nowSeconds?: number;
}

/** Request headers as a `Headers` object (fetch, Next.js, Deno) or a plain object (Node's `req.headers`, Express). */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

/**
 * Verifies a webhook request the EdgeConductor server sent, by the Standard Webhooks scheme (docs/webhooks.md,
 * https://www.standardwebhooks.com): the headers `webhook-id`, `webhook-timestamp` and `webhook-signature`, the
 * signature `v1,` + base64(HMAC-SHA256(key, `{id}.{timestamp}.{body}`)) where the key is the base64 part of the org's
 * `whsec_…` secret. During a secret rotation the server sends several space-separated signatures; any one matching
 * is enough, so a receiver that still has the old secret (or already the new one) accepts the request.
 *
 * Pass the **raw body** exactly as received (a string or bytes), not re-serialised JSON. Resolves to `true` when a
 * signature matches and the timestamp is within the tolerance, else `false` (missing headers, malformed secret,
 * wrong signature, stale timestamp). Uses Web Crypto (`crypto.subtle`), so it works in Node 20+ and browsers and is
 * therefore asynchronous.
 */
export async function verifyWebhook(payload: string | Uint8Array | ArrayBuffer, headers: WebhookHeaders, secret: string,
  options: VerifyWebhookOptions = {}): Promise<boolean> {
  const id = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  if (!id || !timestamp || !signatures || !/^\d+$/.test(timestamp)) return false;
  const tolerance = options.toleranceSeconds ?? 300;
  const now = options.nowSeconds ?? Date.now() / 1000;
  if (tolerance > 0 && Math.abs(now - Number(timestamp)) > tolerance) return false;
  let key: Uint8Array;
  try {
    key = fromBase64(secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret);
  } catch {
    return false;
  }
  if (key.length === 0) return false;
  const body = typeof payload === "string" ? new TextEncoder().encode(payload) : payload instanceof Uint8Array ? payload : new Uint8Array(payload);
  const prefix = new TextEncoder().encode(`${id}.${timestamp}.`);
  const message = new Uint8Array(prefix.length + body.length);
  message.set(prefix, 0);
  message.set(body, prefix.length);
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new Error("verifyWebhook needs Web Crypto (globalThis.crypto.subtle): Node 20+ or a browser in a secure context");
  const cryptoKey = await subtle.importKey("raw", key as BufferSource, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const expected = new Uint8Array(await subtle.sign("HMAC", cryptoKey, message as BufferSource));
  for (const sig of signatures.split(" ")) {
    if (!sig.startsWith("v1,")) continue;
    let given: Uint8Array;
    try { given = fromBase64(sig.slice(3)); } catch { continue; }
    if (constantTimeEqual(given, expected)) return true;
  }
  return false;
}

/** Signs a payload the way the server does (for tests of your receiver): the `webhook-signature` value for one secret. */
export async function signWebhook(payload: string | Uint8Array, id: string, timestamp: number | string, secret: string): Promise<string> {
  const key = fromBase64(secret.startsWith("whsec_") ? secret.slice(6) : secret);
  const body = typeof payload === "string" ? new TextEncoder().encode(payload) : payload;
  const prefix = new TextEncoder().encode(`${id}.${timestamp}.`);
  const message = new Uint8Array(prefix.length + body.length);
  message.set(prefix, 0);
  message.set(body, prefix.length);
  const cryptoKey = await globalThis.crypto.subtle.importKey("raw", key as BufferSource, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return "v1," + toBase64(new Uint8Array(await globalThis.crypto.subtle.sign("HMAC", cryptoKey, message as BufferSource)));
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const h = headers as Record<string, string | string[] | undefined>;
  for (const [k, v] of Object.entries(h)) {
    if (k.toLowerCase() !== name) continue;
    return Array.isArray(v) ? v.join(" ") : v;
  }
  return undefined;
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

function fromBase64(s: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new Error("not base64");
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function toBase64(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}
