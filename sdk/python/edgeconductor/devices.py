"""``ec.devices``: the device registry and shadow (seed 000 "SDK Reference" → ec.devices; docs/api.md "Devices")."""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from ._transport import Transport
from ._types import JsonList, JsonObject


class DevicesClient:
    """Register, list, read, configure, reboot, assign and delete devices."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def register(self, serial_no: str, product_type: str, fw_version: Optional[str] = None,
                 org_id: Optional[str] = None) -> JsonObject:
        """``POST /devices/register``. Idempotent: the first call answers 201 with the device and its one-time
        ``device_secret`` (the MQTT password); a repeat in the same org answers 200 with the device and no secret.

        serial_no: 1-64 characters of ``A-Z a-z 0-9 _ . -``; product_type: e.g. ``"EC-CLIMATE-V1"``; org_id defaults
        to the caller's org. Raises :class:`EdgeConductorError` 400 (names the field), 404 (unknown org), 409 (the
        serial belongs to another org)."""
        body: Dict[str, Any] = {"serial_no": serial_no, "product_type": product_type}
        if fw_version is not None:
            body["fw_version"] = fw_version
        if org_id is not None:
            body["org_id"] = org_id
        result: JsonObject = self._t.call("POST", "devices/register", body=body)
        return result

    def list(self, org_id: Optional[str] = None, tenant_id: Optional[str] = None, room_id: Optional[str] = None,
             product_type: Optional[str] = None, status: Optional[str] = None, limit: Optional[int] = None,
             offset: Optional[int] = None) -> JsonList:
        """``GET /devices``: one page (``limit`` 1-1000, default 100) of the devices the caller can see, ordered by
        serial. ``status`` is ``"online"`` or ``"offline"``. Use :func:`edgeconductor.paginate` for all pages."""
        result: JsonList = self._t.call("GET", "devices", query={
            "org_id": org_id, "tenant_id": tenant_id, "room_id": room_id, "product_type": product_type,
            "status": status, "limit": limit, "offset": offset})
        return result

    def get(self, serial: str) -> JsonObject:
        """``GET /devices/:serial``: the full device including ``shadow_reported`` and ``shadow_desired``. 404 when
        it does not exist or the caller may not see it."""
        result: JsonObject = self._t.call("GET", "devices/{serial}", {"serial": serial})
        return result

    def get_shadow(self, serial: str) -> JsonObject:
        """Shorthand for :meth:`get`: only ``shadow_reported`` (the latest sensor values), e.g.
        ``{"temp": 24.5, "hum": 60, "co2": 850, "bat": 4.1}`` (seed 000)."""
        reported = self.get(serial).get("shadow_reported")
        return dict(reported) if isinstance(reported, dict) else {}

    def shadow(self, serial: str) -> JsonObject:
        """``GET /devices/:serial/shadow``: ``{"desired", "reported", "delta", "version", "metadata"}``."""
        result: JsonObject = self._t.call("GET", "devices/{serial}/shadow", {"serial": serial})
        return result

    def push_config(self, serial: str, config: Mapping[str, Any], version: Optional[int] = None) -> JsonObject:
        """``PATCH /devices/:serial/shadow/desired``: merge ``config`` into the desired state (a ``null`` member
        removes a key) and deliver it to the device over MQTT. Returns the shadow
        ``{"desired", "reported", "delta", "version", ...}``.

        version: optimistic concurrency — sent as ``If-Match: "<version>"``; if the shadow has moved on the server
        answers 412 ``PRECONDITION_FAILED`` (RFC 9110 section 13.1.1) and nothing changes."""
        headers = {"If-Match": f'"{int(version)}"'} if version is not None else None
        result: JsonObject = self._t.call("PATCH", "devices/{serial}/shadow/desired", {"serial": serial},
                                          body=dict(config), headers=headers)
        return result

    def patch_desired(self, serial: str, patch: Mapping[str, Any], version: Optional[int] = None) -> JsonObject:
        """Alias of :meth:`push_config` (the name the shadow documentation uses)."""
        return self.push_config(serial, patch, version)

    def reboot(self, serial: str) -> JsonObject:
        """``POST /devices/:serial/reboot``: queue a reboot command, sent over MQTT at once when the device listens.
        Returns ``{"ok": true, "command_id", "delivered": bool}``."""
        result: JsonObject = self._t.call("POST", "devices/{serial}/reboot", {"serial": serial})
        return result

    def assign(self, serial: str, org_id: Optional[str] = None, room_id: Optional[str] = None,
               tenant_id: Optional[str] = None) -> JsonObject:
        """``PATCH /devices/:serial``: assign the device to an org and/or a room (and/or a tenant user). Arguments
        left as None are not changed. Moving to another org clears room and tenant. Returns the device."""
        body = {k: v for k, v in {"org_id": org_id, "room_id": room_id, "tenant_id": tenant_id}.items()
                if v is not None}
        if not body:
            raise ValueError("assign needs org_id, room_id or tenant_id")
        result: JsonObject = self._t.call("PATCH", "devices/{serial}", {"serial": serial}, body=body)
        return result

    def update(self, serial: str, changes: Mapping[str, Any]) -> JsonObject:
        """``PATCH /devices/:serial`` merge-patch of ``org_id``, ``room_id``, ``tenant_id``, ``tags`` (a ``None``
        value clears). Returns the device."""
        result: JsonObject = self._t.call("PATCH", "devices/{serial}", {"serial": serial}, body=dict(changes))
        return result

    def delete(self, serial: str, force: bool = False) -> JsonObject:
        """``DELETE /devices/:serial`` → ``{"deleted": true, "serial_no"}``. A device seen in the last 5 minutes is
        409 unless ``force=True``. Its telemetry is deleted with it."""
        result: JsonObject = self._t.call("DELETE", "devices/{serial}", {"serial": serial},
                                          query={"force": True if force else None})
        return result

    def rotate_secret(self, serial: str) -> JsonObject:
        """``POST /devices/:serial/secret/rotate`` → ``{"serial_no", "device_secret"}``; the old secret stops working."""
        result: JsonObject = self._t.call("POST", "devices/{serial}/secret/rotate", {"serial": serial})
        return result
