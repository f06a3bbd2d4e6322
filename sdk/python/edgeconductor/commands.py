"""``ec.commands``: custom device commands (beyond the seed; docs/telemetry.md "Commands")."""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from ._transport import Transport
from ._types import JsonList, JsonObject


class CommandsClient:
    """Send commands to a device and follow their state (``queued`` → ``sent`` → ``acknowledged`` / ``completed``
    ...)."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def send(self, serial: str, cmd: str, params: Optional[Mapping[str, Any]] = None,
             expires_in: Optional[int] = None) -> JsonObject:
        """``POST /devices/:serial/commands {"cmd", "params"?, "expires_in"? (seconds)}`` → the command
        ``{"id", "serial_no", "cmd", "params", "state": "queued", "expires_at", ...}``; delivered over MQTT at once when the device listens, else
        when it subscribes or polls."""
        if not cmd:
            raise ValueError("cmd is required")
        body: Dict[str, Any] = {"cmd": cmd}
        if params is not None:
            body["params"] = dict(params)
        if expires_in is not None:
            body["expires_in"] = int(expires_in)
        result: JsonObject = self._t.call("POST", "devices/{serial}/commands", {"serial": serial}, body=body)
        return result

    def list(self, serial: str, limit: int = 20) -> JsonList:
        """``GET /devices/:serial/commands/recent``: the newest commands (1-200), newest first, with their state."""
        result: JsonList = self._t.call("GET", "devices/{serial}/commands/recent", {"serial": serial},
                                        query={"limit": limit})
        return result

    def pending(self, serial: str) -> JsonObject:
        """``GET /devices/:serial/commands``: what a polling device would be shown now (``{"commands": [...]}``);
        read with an API key it does not consume them."""
        result: JsonObject = self._t.call("GET", "devices/{serial}/commands", {"serial": serial})
        return result

    def get(self, serial: str, command_id: str) -> JsonObject:
        """``GET /devices/:serial/commands/:id``: ``{"id", "cmd", "params", "state", "sent_at", "acknowledged_at",
        "completed_at", "result", ...}``."""
        result: JsonObject = self._t.call("GET", "devices/{serial}/commands/{id}",
                                          {"serial": serial, "id": command_id})
        return result
