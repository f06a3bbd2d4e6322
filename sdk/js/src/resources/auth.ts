import { Transport } from "../http.js";
import type { Identity, TokenResponse } from "../types.js";

/** Who the credential is, and user log-in (docs/api.md "Auth"). */
export class AuthResource {
  /** @internal */
  constructor(private readonly api: Transport) {}

  /** The caller: `{ kind: "user" | "api_key", id, role, org_id, … }`. */
  async me(): Promise<Identity> {
    return this.api.json<Identity>({ method: "GET", path: "auth/me", idempotent: true });
  }

  /** Logs a user in: an access token (JWT, 15 minutes) and a refresh token. Wrong credentials: 401. */
  async login(email: string, password: string): Promise<TokenResponse> {
    return this.api.json<TokenResponse>({ method: "POST", path: "auth/login", body: { email, password } });
  }

  /** A new access token and refresh token for a refresh token (the old one is used up). */
  async refresh(refreshToken: string): Promise<TokenResponse> {
    return this.api.json<TokenResponse>({ method: "POST", path: "auth/refresh", body: { refresh_token: refreshToken } });
  }

  /** Ends the session of a refresh token. */
  async logout(refreshToken: string): Promise<void> {
    await this.api.send({ method: "POST", path: "auth/logout", body: { refresh_token: refreshToken } });
  }
}
