"""``ec.anomalies``: anomaly events found by the detector (seed 000 → ec.anomalies; docs/anomalies.md)."""
from __future__ import annotations

from typing import Optional

from ._transport import Transport
from ._types import JsonList, JsonObject


class AnomaliesClient:
    """List and acknowledge anomaly events."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def list(self, org_id: str, limit: Optional[int] = None, unacked: bool = False, severity: Optional[str] = None,
             field: Optional[str] = None, serial: Optional[str] = None, offset: Optional[int] = None) -> JsonList:
        """``GET /orgs/:id/anomalies``: newest first (``limit`` 1-500, default 50); ``unacked=True`` only
        unacknowledged ones; filters by ``severity``, ``field``, ``serial``."""
        result: JsonList = self._t.call("GET", "orgs/{id}/anomalies", {"id": org_id}, query={
            "unacked": True if unacked else None, "limit": limit, "offset": offset, "severity": severity,
            "field": field, "serial": serial})
        return result

    def get(self, anomaly_id: str) -> JsonObject:
        """``GET /anomalies/:id``."""
        result: JsonObject = self._t.call("GET", "anomalies/{id}", {"id": anomaly_id})
        return result

    def acknowledge(self, anomaly_id: str) -> JsonObject:
        """``PATCH /anomalies/:id/acknowledge``: dismiss it from the panel. Returns the anomaly."""
        result: JsonObject = self._t.call("PATCH", "anomalies/{id}/acknowledge", {"id": anomaly_id})
        return result
