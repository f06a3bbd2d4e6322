import { seg, Transport } from "../http.js";
import type { ApiKey, CreatedApiKey } from "../types.js";

/** Org API keys (docs/api.md "API keys"). */
export class ApiKeysResource {
  /** @internal */
  constructor(private readonly api: Transport) {}

  /** Generates a key; the raw `key` (`ec_live_…`) is in this answer only — store it. */
  async generate(orgId: string, name: string): Promise<CreatedApiKey> {
    return this.api.json<CreatedApiKey>({ method: "POST", path: `orgs/${seg(orgId)}/api-keys`, body: { name } });
  }

  /** The org's keys (prefix and metadata, never the key), newest first. */
  async list(orgId: string): Promise<ApiKey[]> {
    return this.api.json<ApiKey[]>({ method: "GET", path: `orgs/${seg(orgId)}/api-keys`, idempotent: true });
  }

  /** Revokes a key; requests with it get 401 from then on. Revoking twice: 409 CONFLICT. */
  async revoke(keyId: string): Promise<ApiKey> {
    return this.api.json<ApiKey>({ method: "DELETE", path: `api-keys/${seg(keyId)}` });
  }
}
