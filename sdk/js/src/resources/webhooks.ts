import { seg, Transport } from "../http.js";
import { verifyWebhook, type VerifyWebhookOptions, type WebhookHeaders } from "../verify.js";
import type { WebhookDelivery, WebhookSecret, WebhookSecretInfo } from "../types.js";

/** Webhook secret and delivery log (docs/webhooks.md). */
export class WebhooksResource {
  /** @internal */
  constructor(private readonly api: Transport) {}

  /** The org's deliveries, newest first (`status`: pending, succeeded, failed, dead, …). */
  async deliveries(orgId: string, options: { status?: string; limit?: number; offset?: number } = {}): Promise<WebhookDelivery[]> {
    return this.api.json<WebhookDelivery[]>({ method: "GET", path: `orgs/${seg(orgId)}/webhook-deliveries`, idempotent: true,
      query: { status: options.status, limit: options.limit, offset: options.offset } });
  }

  /** One rule's deliveries. */
  async ruleDeliveries(ruleId: string, options: { limit?: number } = {}): Promise<WebhookDelivery[]> {
    return this.api.json<WebhookDelivery[]>({ method: "GET", path: `rules/${seg(ruleId)}/deliveries`, idempotent: true, query: { limit: options.limit } });
  }

  /** One delivery with its attempts. */
  async getDelivery(deliveryId: string): Promise<WebhookDelivery> {
    return this.api.json<WebhookDelivery>({ method: "GET", path: `webhook-deliveries/${seg(deliveryId)}`, idempotent: true });
  }

  /** Sends a delivery's message again (202): a new delivery with the same `webhook-id`, `replay_of` = the original. */
  async replay(deliveryId: string): Promise<WebhookDelivery> {
    return this.api.json<WebhookDelivery>({ method: "POST", path: `webhook-deliveries/${seg(deliveryId)}/replay` });
  }

  /** The first call shows the org's secret (`whsec_…`, once); later calls rotate it: the old one keeps signing too
   * for `graceSeconds` (both signatures are sent). */
  async rotateSecret(orgId: string, options: { graceSeconds?: number } = {}): Promise<WebhookSecret> {
    return this.api.json<WebhookSecret>({ method: "POST", path: `orgs/${seg(orgId)}/webhook-secret`,
      body: options.graceSeconds !== undefined ? { grace_seconds: options.graceSeconds } : {} });
  }

  /** Secret metadata only: configured, fingerprint, revealed, previous_expires_at. */
  async secretInfo(orgId: string): Promise<WebhookSecretInfo> {
    return this.api.json<WebhookSecretInfo>({ method: "GET", path: `orgs/${seg(orgId)}/webhook-secret`, idempotent: true });
  }

  /** Same as the top-level `verifyWebhook(payload, headers, secret)`. */
  async verify(payload: string | Uint8Array | ArrayBuffer, headers: WebhookHeaders, secret: string, options?: VerifyWebhookOptions): Promise<boolean> {
    return verifyWebhook(payload, headers, secret, options);
  }
}
