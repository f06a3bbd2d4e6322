"""``ec.orgs``: organizations and their rooms (seed 000 → ec.orgs; docs/api.md "Orgs, users, rooms")."""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from ._transport import Transport
from ._types import JsonList, JsonObject


class OrgsClient:
    """Orgs the caller can see, and rooms/zones inside an org."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def list(self, limit: Optional[int] = 1000, offset: Optional[int] = None) -> JsonList:
        """``GET /orgs``: the organizations the caller has access to (``limit`` 1-1000)."""
        result: JsonList = self._t.call("GET", "orgs", query={"limit": limit, "offset": offset})
        return result

    def get(self, org_id: str) -> JsonObject:
        """``GET /orgs/:id``: org details including white-label settings (``logo_url``, ``primary_color``,
        ``custom_domain``) and ``plan``."""
        result: JsonObject = self._t.call("GET", "orgs/{id}", {"id": org_id})
        return result

    def create(self, name: str, slug: Optional[str] = None, plan: Optional[str] = None,
               product: Optional[str] = None, partner_id: Optional[str] = None) -> JsonObject:
        """``POST /orgs`` (super admin or partner). ``plan``: ``starter`` (default), ``pro``, ``business``,
        ``enterprise``. 409 for a duplicate slug. Returns the org (201)."""
        body: Dict[str, Any] = {"name": name}
        body.update({k: v for k, v in {"slug": slug, "plan": plan, "product": product,
                                       "partner_id": partner_id}.items() if v is not None})
        result: JsonObject = self._t.call("POST", "orgs", body=body)
        return result

    def update(self, org_id: str, changes: Mapping[str, Any]) -> JsonObject:
        """``PATCH /orgs/:id``: merge-patch of ``name``, ``logo_url``, ``primary_color``, ``custom_domain``,
        ``product``, ``telemetry_retention_days``, ``timezone``, ``plan``. Returns the org."""
        result: JsonObject = self._t.call("PATCH", "orgs/{id}", {"id": org_id}, body=dict(changes))
        return result

    def rooms(self, org_id: str) -> JsonList:
        """``GET /orgs/:id/rooms``: ``[{"id", "org_id", "name", "floor", "building", "created_at"}]``."""
        result: JsonList = self._t.call("GET", "orgs/{id}/rooms", {"id": org_id})
        return result

    def create_room(self, org_id: str, name: str, floor: Optional[str] = None,
                    building: Optional[str] = None) -> JsonObject:
        """``POST /orgs/:id/rooms``: a new room (201)."""
        body: Dict[str, Any] = {"name": name}
        if floor is not None:
            body["floor"] = floor
        if building is not None:
            body["building"] = building
        result: JsonObject = self._t.call("POST", "orgs/{id}/rooms", {"id": org_id}, body=body)
        return result
