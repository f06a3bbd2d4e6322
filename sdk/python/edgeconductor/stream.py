"""The live telemetry stream behind ``ec.telemetry.stream``: server-sent events (WHATWG HTML "Server-sent events")
read on a background thread with ``http.client``, falling back to polling."""
from __future__ import annotations

import http.client
import json
import socket
import threading
import urllib.parse
from typing import TYPE_CHECKING, Any, Callable, Iterator, List, Optional, Tuple

from ._transport import Transport, segment
from ._types import JsonObject
from .errors import EdgeConductorConnectionError, EdgeConductorError

if TYPE_CHECKING:
    from .telemetry import TelemetryClient

# Statuses meaning "this server has no live stream here": fall back to polling (as the .NET SDK does).
_FALLBACK_STATUSES = (404, 405, 406, 501)
# The server sends a ": ping" comment every 15 s; a stream silent for this long is considered dropped.
_READ_TIMEOUT = 60.0


def parse_sse(lines: Iterator[bytes]) -> Iterator[Tuple[str, str]]:
    """Yield ``(event, data)`` for each event of a server-sent events stream given as raw lines. Comment lines
    (``: ping``) are skipped; several ``data:`` lines are joined with ``\\n``; the event name defaults to
    ``message``."""
    event = ""
    data: List[str] = []
    for raw in lines:
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        if line == "":
            if data:
                yield (event or "message", "\n".join(data))
            event, data = "", []
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if name == "event":
            event = value
        elif name == "data":
            data.append(value)


def _canonical(record: JsonObject) -> str:
    return json.dumps({k: v for k, v in record.items() if k != "ts"}, sort_keys=True, separators=(",", ":"))


class TelemetryStream:
    """Handle of a running stream. ``stop()`` ends it (idempotent, joins the thread); ``mode`` is ``"sse"`` or
    ``"polling"`` (what it is using now); usable as a context manager."""

    def __init__(self, transport: Transport, telemetry: "TelemetryClient", serial: str,
                 callback: Callable[[JsonObject], None], interval: float, use_sse: bool, include_latest: bool,
                 on_error: Optional[Callable[[BaseException], None]]) -> None:
        self._t = transport
        self._telemetry = telemetry
        self.serial = serial
        self._callback = callback
        self.interval = interval
        self._include_latest = include_latest
        self._on_error = on_error
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._conn: Optional[http.client.HTTPConnection] = None
        self._last: Optional[str] = None
        self._last_ts: Optional[str] = None
        self._opened_before = False
        self._initial: Optional[JsonObject] = None
        self._sse_credential: Optional[str] = None
        self.mode: str = "sse" if use_sse else "polling"
        self.connected = threading.Event()
        """Set once the SSE stream is open (or, when polling, after the first poll)."""
        self._thread = threading.Thread(target=self._run, name=f"edgeconductor-stream-{serial}", daemon=True)

    def start(self) -> None:
        """Read the current latest reading (on the caller's thread, so an unknown device or a refused credential
        raises :class:`EdgeConductorError` here), then start the background thread."""
        latest = self._telemetry.recent(self.serial, 1)
        self._initial = latest[0] if latest else None
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the stream: no callback runs after this returns (unless called from the callback itself)."""
        self._stopped.set()
        with self._lock:
            conn = self._conn
        if conn is not None and conn.sock is not None:
            try:
                conn.sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked read
            except OSError:
                pass
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        """True until the stream is stopped."""
        return self._thread.is_alive() and not self._stopped.is_set()

    def __enter__(self) -> "TelemetryStream":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- the worker thread -----------------------------------------------------------------------------------------
    def _run(self) -> None:
        if self._initial is not None:
            self._last_ts = str(self._initial.get("ts"))
            if self._include_latest:
                self._deliver(self._initial)
            else:
                self._last = _canonical(self._initial)
        while not self._stopped.is_set():
            if self.mode == "sse":
                try:
                    self._run_sse()
                except EdgeConductorError as e:
                    if e.status in _FALLBACK_STATUSES:
                        self.mode = "polling"
                        continue
                    if e.status == 401 and self._t.refresh_token and self._t.refresh_credential(self._sse_credential):
                        continue  # a logged-in client's access token expired: reconnect with the new one
                    self._report(e)
                except (OSError, http.client.HTTPException, ValueError) as e:
                    if not self._stopped.is_set():
                        self._report(e)
                self._stopped.wait(self.interval)  # dropped or refused: reconnect after the interval
            else:
                self._poll_once()
                self.connected.set()
                self._stopped.wait(self.interval)

    def _poll_once(self) -> None:
        try:
            recent = self._telemetry.recent(self.serial, 1)
        except EdgeConductorError as e:
            self._report(e)
            return
        if not recent:
            return
        ts = str(recent[0].get("ts"))
        if ts == self._last_ts:
            return  # no new reading since the last poll
        self._last_ts = ts
        self._deliver(recent[0])

    def _run_sse(self) -> None:
        base = urllib.parse.urlsplit(self._t.base_url)
        host = base.hostname or "localhost"
        conn: http.client.HTTPConnection
        if base.scheme == "https":
            conn = http.client.HTTPSConnection(host, base.port, timeout=_READ_TIMEOUT)
        else:
            conn = http.client.HTTPConnection(host, base.port, timeout=_READ_TIMEOUT)
        path = base.path + "/devices/" + segment(self.serial) + "/stream"
        with self._lock:
            if self._stopped.is_set():
                return
            self._conn = conn
        try:
            self._sse_credential = self._t.api_key
            conn.request("GET", path, headers=self._t.headers(accept="text/event-stream"))
            response = conn.getresponse()
            if response.status >= 400:
                raw = response.read()
                raise self._t.to_error(response.status, response.reason, response.headers, raw, "GET", path)
            content_type = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
            if content_type != "text/event-stream":
                raise EdgeConductorError(406, None, f"the stream answered {content_type or 'no content type'}")
            self.mode = "sse"
            self.connected.set()
            if self._opened_before:
                self._poll_once()  # a reconnect: catch up with a reading that came while the stream was down
            self._opened_before = True
            for event, data in parse_sse(iter(response.readline, b"")):
                if self._stopped.is_set():
                    return
                if event != "telemetry":
                    continue
                record = self._parse(data)
                if record is not None:
                    self._last_ts = str(record.get("ts"))
                    self._deliver(record)
            if not self._stopped.is_set():
                self._report(EdgeConductorConnectionError("the live stream dropped; reconnecting",
                                                          method="GET", path=path))
        finally:
            with self._lock:
                self._conn = None
            conn.close()

    @staticmethod
    def _parse(data: str) -> Optional[JsonObject]:
        try:
            doc = json.loads(data)
        except ValueError:
            return None
        if not isinstance(doc, dict) or not isinstance(doc.get("data"), dict):
            return None
        record: JsonObject = {"ts": doc.get("ts")}
        record.update(doc["data"])
        return record

    def _deliver(self, record: JsonObject) -> None:
        key = _canonical(record)
        if key == self._last or self._stopped.is_set():
            return
        self._last = key
        try:
            self._callback(record)
        except Exception as e:  # the caller's code: report it, keep streaming
            self._report(e)

    def _report(self, error: BaseException) -> None:
        if self._on_error is not None and not self._stopped.is_set():
            try:
                self._on_error(error)
            except Exception:
                pass
