"""``ec.notifications``: the org's in-app notifications (seed 000 → ec.notifications; docs/notifications.md)."""
from __future__ import annotations

from typing import Optional

from ._transport import Transport
from ._types import JsonList, JsonObject


class NotificationsClient:
    """The notification bell: device offline, anomalies, firmware updates, failing webhooks ..."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def list(self, org_id: str, unread: bool = False, limit: Optional[int] = None,
             offset: Optional[int] = None) -> JsonList:
        """``GET /orgs/:id/notifications``: newest first (``limit`` 1-500, default 50); ``unread=True`` only unread."""
        result: JsonList = self._t.call("GET", "orgs/{id}/notifications", {"id": org_id}, query={
            "unread": True if unread else None, "limit": limit, "offset": offset})
        return result

    def unread_count(self, org_id: str) -> int:
        """``GET /orgs/:id/notifications/unread-count`` → the number of unread notifications."""
        result: JsonObject = self._t.call("GET", "orgs/{id}/notifications/unread-count", {"id": org_id})
        return int(result["unread_count"])

    def mark_read(self, notification_id: str) -> JsonObject:
        """``PATCH /notifications/:id/read``: mark one notification read (for the caller). Returns it."""
        result: JsonObject = self._t.call("PATCH", "notifications/{id}/read", {"id": notification_id})
        return result

    def mark_all_read(self, org_id: str) -> JsonObject:
        """``POST /orgs/:id/notifications/read-all`` → ``{"updated": n}``."""
        result: JsonObject = self._t.call("POST", "orgs/{id}/notifications/read-all", {"id": org_id})
        return result
