"""``ec.telemetry``: push and read readings, and stream them live (seed 000 → ec.telemetry; docs/telemetry.md)."""
from __future__ import annotations

from typing import Any, Callable, Mapping, Optional, Sequence, Union

from ._transport import Transport
from ._types import JsonList, JsonObject
from .stream import TelemetryStream

Reading = Mapping[str, Any]


class TelemetryClient:
    """Telemetry of one device at a time, addressed by serial."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def push(self, serial: str, payload: Union[Reading, Sequence[Reading]],
             device_secret: Optional[str] = None) -> JsonObject:
        """``POST /devices/:serial/telemetry``. ``payload`` is one reading (``{"temp": 24.5, "hum": 60}``; any
        numeric field, an optional ``ts``) or a list of buffered readings. Returns ``{"ok": true, "ts", ...}``
        (``readings``/``duplicates`` for a batch). ``device_secret`` sends ``X-Device-Secret`` as a device would.
        Raises 400 naming the key for a non-finite number or a bad shape, 413 over 512 KB."""
        body: Any = dict(payload) if isinstance(payload, Mapping) else [dict(r) for r in payload]
        headers = {"X-Device-Secret": device_secret} if device_secret else None
        result: JsonObject = self._t.call("POST", "devices/{serial}/telemetry", {"serial": serial}, body=body,
                                          headers=headers)
        return result

    def history(self, serial: str, hours: int = 1, limit: Optional[int] = None) -> JsonList:
        """``GET /devices/:serial/telemetry?hours=``: records of the last ``hours`` (1-168; the seed's 1 | 6 | 24 |
        168), **oldest first**, each ``{"ts": "...", "temp": 24.3, ...}``. With ``limit`` the newest ``limit`` of the
        window (still oldest first)."""
        if not 1 <= hours <= 168:
            raise ValueError("hours must be between 1 and 168")
        result: JsonList = self._t.call("GET", "devices/{serial}/telemetry", {"serial": serial},
                                        query={"hours": hours, "limit": limit})
        return result

    def recent(self, serial: str, limit: int = 20) -> JsonList:
        """``GET /devices/:serial/telemetry/recent``: the last ``limit`` records (1-1000, default 20), **newest
        first**."""
        if limit < 1:
            raise ValueError("limit must be at least 1")
        result: JsonList = self._t.call("GET", "devices/{serial}/telemetry/recent", {"serial": serial},
                                        query={"limit": limit})
        return result

    def latest(self, serial: str) -> JsonObject:
        """``GET /devices/:serial/telemetry/latest``: ``{"serial_no", "last_seen", "metrics": {"temp": {"value",
        "ts"}}}`` — the latest value and time of every metric."""
        result: JsonObject = self._t.call("GET", "devices/{serial}/telemetry/latest", {"serial": serial})
        return result

    def aggregate(self, serial: str, metric: str, interval: str = "1h", from_: Optional[str] = None,
                  to: Optional[str] = None) -> JsonList:
        """``GET /devices/:serial/telemetry/aggregate``: buckets ``[{"ts", "avg", "min", "max", "count"}]`` of one
        metric. ``interval``: ``1m``, ``5m``, ``15m``, ``1h``, ``6h`` or ``1d``; ``from_``/``to`` ISO-8601 (default:
        the last 24 hours)."""
        result: JsonList = self._t.call("GET", "devices/{serial}/telemetry/aggregate", {"serial": serial},
                                        query={"metric": metric, "interval": interval, "from": from_, "to": to})
        return result

    def stream(self, serial: str, callback: Callable[[JsonObject], None], interval: float = 5,
               use_sse: bool = True, include_latest: bool = True,
               on_error: Optional[Callable[[BaseException], None]] = None) -> TelemetryStream:
        """Live stream of one device's readings on a background thread; returns a handle with ``stop()``.

        Uses the server-sent events endpoint ``GET /devices/:serial/stream``; when the server has none (404, 405,
        406, 501 or not ``text/event-stream``) or ``use_sse=False`` it polls ``telemetry/recent?limit=1`` every
        ``interval`` seconds instead. A dropped stream is reopened after ``interval`` seconds.

        ``callback(record)`` gets ``{"ts": "...", "temp": 24.5, ...}`` (the shape of :meth:`recent`) **only when the
        payload changed** (seed 000): a reading whose values equal the previous one is not passed on. With
        ``include_latest`` the current latest reading is passed first. Exceptions from the callback and connection
        errors go to ``on_error`` (if given) and do not stop the stream. An unknown device or a refused credential
        raises :class:`EdgeConductorError` from this call (before any thread starts)."""
        if interval <= 0:
            raise ValueError("interval must be positive (seconds)")
        handle = TelemetryStream(self._t, self, serial, callback, float(interval), use_sse, include_latest, on_error)
        handle.start()
        return handle
