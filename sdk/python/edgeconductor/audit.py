"""``ec.audit``: the org's audit log (seed 000 → ec.audit; docs/api.md "Audit")."""
from __future__ import annotations

from typing import Optional, Union

from ._transport import Transport
from ._types import JsonList


class AuditClient:
    """Read audit events (newest first): ``rule_fired``, ``device_offline``, ``ota_pushed``, ``config_pushed`` ..."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def list(self, org_id: str, limit: Optional[int] = None, offset: Optional[int] = None,
             action: Optional[str] = None, before_id: Optional[Union[int, str]] = None) -> JsonList:
        """``GET /orgs/:id/audit``: the last ``limit`` events (1-1000, default 100), newest first; ``action`` filters
        to one action; ``before_id`` pages stably while new events arrive."""
        result: JsonList = self._t.call("GET", "orgs/{id}/audit", {"id": org_id}, query={
            "limit": limit, "offset": offset, "action": action,
            "before_id": str(before_id) if before_id is not None else None})
        return result
