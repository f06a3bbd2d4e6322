"""``ec.firmware``: firmware releases and pushing one to a device (seed 000 → ec.firmware; docs/ota.md)."""
from __future__ import annotations

import json
import os
import uuid
from typing import Any, Dict, Optional, Union

from ._transport import Transport
from ._types import JsonList, JsonObject


class FirmwareClient:
    """Upload, list, push and delete firmware releases."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def list(self, org_id: Optional[str] = None, product_type: Optional[str] = None, limit: Optional[int] = 1000,
             offset: Optional[int] = None) -> JsonList:
        """``GET /firmware``: the releases the caller can see (filter by ``org_id`` and ``product_type``)."""
        result: JsonList = self._t.call("GET", "firmware", query={
            "org_id": org_id, "product_type": product_type, "limit": limit, "offset": offset})
        return result

    def get(self, firmware_id: str) -> JsonObject:
        """``GET /firmware/:id``."""
        result: JsonObject = self._t.call("GET", "firmware/{id}", {"id": firmware_id})
        return result

    def upload(self, org_id: str, file: Union[bytes, str, "os.PathLike[str]"], version: str, product_type: str,
               notes: Optional[str] = None, signature: Optional[str] = None) -> JsonObject:
        """``POST /orgs/:id/firmware`` (multipart/form-data): upload a binary (``bytes`` or a file path) as release
        ``version`` for ``product_type``. Returns the release (201) with its ``sha256`` and ``size``. 400 names the
        bad field; 409 when the version already exists."""
        if isinstance(file, bytes):
            data = file
        else:
            with open(os.fspath(file), "rb") as f:
                data = f.read()
        boundary = "ec-" + uuid.uuid4().hex
        parts = []
        for name, value in (("version", version), ("product_type", product_type), ("notes", notes),
                            ("signature", signature)):
            if value is not None:
                parts.append((f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                               f"{value}\r\n").encode("utf-8"))
        parts.append((f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="firmware.bin"\r\n'
                      "Content-Type: application/octet-stream\r\n\r\n").encode("utf-8") + data + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode("utf-8"))
        path = self._t.path("POST", "orgs/{id}/firmware", {"id": org_id})
        _, _, raw = self._t.send("POST", path, b"".join(parts),
                                 {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        result: JsonObject = json.loads(raw.decode("utf-8"))
        return result

    def delete(self, firmware_id: str) -> None:
        """``DELETE /firmware/:id`` (409 while a job uses it)."""
        self._t.call("DELETE", "firmware/{id}", {"id": firmware_id})

    def push(self, serial: str, firmware_id: str, allow_downgrade: bool = False) -> JsonObject:
        """``POST /devices/:serial/ota {"firmware_id"}``: push a release to one registered device (an OTA job of
        one device). Returns the job summary."""
        body: Dict[str, Any] = {"firmware_id": firmware_id}
        if allow_downgrade:
            body["allow_downgrade"] = True
        result: JsonObject = self._t.call("POST", "devices/{serial}/ota", {"serial": serial}, body=body)
        return result
