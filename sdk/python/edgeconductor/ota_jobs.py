"""``ec.ota_jobs``: OTA rollout jobs (beyond the seed; docs/ota.md "Jobs")."""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Union

from ._transport import Transport
from ._types import JsonList, JsonObject


class OtaJobsClient:
    """Create, follow, pause, resume and cancel OTA jobs. A job is addressed by its id or its per-org number
    (``12``; with ``org_id`` or in the caller's org)."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def create(self, org_id: str, firmware_id: str, product_type: Optional[str] = None,
               allow_downgrade: Optional[bool] = None, rollout: Optional[Mapping[str, Any]] = None) -> JsonObject:
        """``POST /orgs/:id/ota-jobs``: push a release to every device of the product type in the org (devices on the
        same or a newer version are ``skipped``). Returns the job (201)."""
        body: Dict[str, Any] = {"firmware_id": firmware_id}
        if product_type is not None:
            body["product_type"] = product_type
        if allow_downgrade is not None:
            body["allow_downgrade"] = allow_downgrade
        if rollout is not None:
            body["rollout"] = dict(rollout)
        result: JsonObject = self._t.call("POST", "orgs/{id}/ota-jobs", {"id": org_id}, body=body)
        return result

    def list(self, org_id: Optional[str] = None, limit: Optional[int] = 20, offset: Optional[int] = None) -> JsonList:
        """``GET /orgs/:id/ota-jobs`` (or ``GET /ota-jobs`` without org): newest first, 20 by default."""
        query = {"limit": limit, "offset": offset}
        if org_id is None:
            result: JsonList = self._t.call("GET", "ota-jobs", query=query)
        else:
            result = self._t.call("GET", "orgs/{id}/ota-jobs", {"id": org_id}, query=query)
        return result

    def get(self, job: Union[str, int], org_id: Optional[str] = None, devices: bool = False) -> JsonObject:
        """``GET /ota-jobs/:id``: status, ``counts`` and (``devices=True``) each device's state and progress."""
        result: JsonObject = self._t.call("GET", "ota-jobs/{id}", {"id": str(job)}, query={
            "org_id": org_id, "devices": True if devices else None})
        return result

    def pause(self, job: Union[str, int], org_id: Optional[str] = None) -> JsonObject:
        """``POST /ota-jobs/:id/pause`` (409 when the job's state does not allow it)."""
        return self._control(job, org_id, "pause")

    def resume(self, job: Union[str, int], org_id: Optional[str] = None) -> JsonObject:
        """``POST /ota-jobs/:id/resume``."""
        return self._control(job, org_id, "resume")

    def cancel(self, job: Union[str, int], org_id: Optional[str] = None) -> JsonObject:
        """``POST /ota-jobs/:id/cancel``: devices not yet sent the update become ``canceled``."""
        return self._control(job, org_id, "cancel")

    def _control(self, job: Union[str, int], org_id: Optional[str], action: str) -> JsonObject:
        result: JsonObject = self._t.call("POST", "ota-jobs/{id}/" + action, {"id": str(job)},
                                          query={"org_id": org_id})
        return result
