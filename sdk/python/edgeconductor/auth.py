"""``ec.auth``: log in with e-mail and password, and who am I (docs/api.md "Auth")."""
from __future__ import annotations

from ._transport import Transport
from ._types import JsonObject


class AuthClient:
    """Users log in for a 15-minute access token; API keys need no login."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def login(self, email: str, password: str) -> JsonObject:
        """``POST /auth/login`` → ``{"access_token", "refresh_token", "token_type", "expires_in", "user"}``. The
        client then uses the access token for its requests and, when the server answers 401 because it expired
        (15 minutes), refreshes it once with the refresh token and retries. 401 for a wrong e-mail or password, 429
        when throttled."""
        result: JsonObject = self._t.call("POST", "auth/login", body={"email": email, "password": password})
        self._t.api_key = str(result["access_token"])
        self._t.refresh_token = str(result["refresh_token"])
        return result

    def me(self) -> JsonObject:
        """``GET /auth/me`` → ``{"kind": "user" | "api_key", "id", "role", "org_id", ...}``."""
        result: JsonObject = self._t.call("GET", "auth/me")
        return result
