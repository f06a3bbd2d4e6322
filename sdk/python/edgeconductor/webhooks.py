"""``ec.webhooks``: the org's webhook signing secret and the delivery log (beyond the seed; docs/webhooks.md)."""
from __future__ import annotations

from typing import Any, Dict, Optional

from ._transport import Transport
from ._types import JsonList, JsonObject


class WebhooksClient:
    """Webhook secret (``whsec_…``, Standard Webhooks) and deliveries. To check a received webhook use
    :func:`edgeconductor.verify_webhook`."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def rotate_secret(self, org_id: str, grace_seconds: Optional[int] = None) -> JsonObject:
        """``POST /orgs/:id/webhook-secret``: the first call shows the secret, later calls rotate it (the old one keeps
        signing for ``grace_seconds``, default 24 h). ``{"secret", "rotated", "fingerprint", "created_at",
        "previous_expires_at"}`` — the secret is shown once."""
        body: Dict[str, Any] = {}
        if grace_seconds is not None:
            body["grace_seconds"] = grace_seconds
        result: JsonObject = self._t.call("POST", "orgs/{id}/webhook-secret", {"id": org_id}, body=body)
        return result

    def secret_info(self, org_id: str) -> JsonObject:
        """``GET /orgs/:id/webhook-secret``: metadata only (``configured``, ``fingerprint``, ``created_at`` ...)."""
        result: JsonObject = self._t.call("GET", "orgs/{id}/webhook-secret", {"id": org_id})
        return result

    def deliveries(self, org_id: str, status: Optional[str] = None, limit: Optional[int] = None,
                   offset: Optional[int] = None) -> JsonList:
        """``GET /orgs/:id/webhook-deliveries``: newest first (``limit`` 1-500, default 50); ``status`` filters
        (``pending``, ``succeeded``, ``failed``)."""
        result: JsonList = self._t.call("GET", "orgs/{id}/webhook-deliveries", {"id": org_id}, query={
            "status": status, "limit": limit, "offset": offset})
        return result

    def rule_deliveries(self, rule_id: str, limit: Optional[int] = None, offset: Optional[int] = None) -> JsonList:
        """``GET /rules/:id/deliveries``: one rule's deliveries."""
        result: JsonList = self._t.call("GET", "rules/{id}/deliveries", {"id": rule_id},
                                        query={"limit": limit, "offset": offset})
        return result

    def get_delivery(self, delivery_id: str) -> JsonObject:
        """``GET /webhook-deliveries/:id``: one delivery with its attempts."""
        result: JsonObject = self._t.call("GET", "webhook-deliveries/{id}", {"id": delivery_id})
        return result

    def replay(self, delivery_id: str) -> JsonObject:
        """``POST /webhook-deliveries/:id/replay``: send it again (same ``webhook-id``)."""
        result: JsonObject = self._t.call("POST", "webhook-deliveries/{id}/replay", {"id": delivery_id})
        return result
