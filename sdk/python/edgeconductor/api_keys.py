"""``ec.api_keys``: org API keys (seed 000 → ec.apiKeys; docs/api.md "API keys")."""
from __future__ import annotations

from ._transport import Transport
from ._types import JsonList, JsonObject


class ApiKeysClient:
    """Generate, list and revoke an org's API keys (``ec_live_…``; a key acts as org_admin of its org)."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def generate(self, org_id: str, name: str) -> JsonObject:
        """``POST /orgs/:id/api-keys`` → ``{"id", "name", "prefix", "key", "org_id", "created_at"}``. The raw ``key``
        appears only in this answer: store it securely."""
        if not name:
            raise ValueError("name is required")
        result: JsonObject = self._t.call("POST", "orgs/{id}/api-keys", {"id": org_id}, body={"name": name})
        return result

    def list(self, org_id: str) -> JsonList:
        """``GET /orgs/:id/api-keys``: prefix and metadata, newest first; never the key."""
        result: JsonList = self._t.call("GET", "orgs/{id}/api-keys", {"id": org_id})
        return result

    def revoke(self, key_id: str) -> JsonObject:
        """``DELETE /api-keys/:id``: revoke permanently; requests with the key get 401 from then on. Returns the key's
        metadata with ``revoked_at``. Revoking twice is 409."""
        result: JsonObject = self._t.call("DELETE", "api-keys/{id}", {"id": key_id})
        return result
