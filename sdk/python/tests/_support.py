"""Shared helpers for the SDK tests: the real server started by scripts/suites/python-sdk.sh (scripts/lib/
test-server.sh exports EC_TEST_BASE_URL, EC_TEST_ADMIN_EMAIL, EC_TEST_ADMIN_PASSWORD), fresh orgs with API keys,
waiting for a condition, and real HTTP servers (receivers) started by the tests."""
from __future__ import annotations

import http.server
import os
import queue
import threading
import time
import uuid
from typing import Any, Callable, Dict, List, Optional, Tuple, TypeVar

from edgeconductor import EdgeConductor

T = TypeVar("T")

BASE_URL = os.environ.get("EC_TEST_BASE_URL", "")
ADMIN_EMAIL = os.environ.get("EC_TEST_ADMIN_EMAIL", "")
ADMIN_PASSWORD = os.environ.get("EC_TEST_ADMIN_PASSWORD", "")


def require_server() -> None:
    if not BASE_URL:
        raise RuntimeError("EC_TEST_BASE_URL is not set: run the tests with scripts/suites/python-sdk.sh, which starts "
                           "a real server (or source scripts/lib/test-server.sh and call ec_test_server_start)")


_admin: Optional[EdgeConductor] = None


def admin() -> EdgeConductor:
    """A client logged in as the bootstrap super admin (logged in once per test process)."""
    global _admin
    require_server()
    if _admin is None:
        _admin = EdgeConductor.login(ADMIN_EMAIL, ADMIN_PASSWORD, base_url=BASE_URL)
    return _admin


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10].upper()}"


def new_org(plan: Optional[str] = None) -> Tuple[str, EdgeConductor, Dict[str, Any]]:
    """A fresh org and a client using a new API key of it: (org_id, client, key)."""
    org = admin().orgs.create(unique("Py SDK Org"), plan=plan)
    key = admin().api_keys.generate(org["id"], "python-sdk-tests")
    return org["id"], EdgeConductor(api_key=key["key"], base_url=BASE_URL), key


def eventually(check: Callable[[], Optional[T]], timeout: float = 20.0, what: str = "the condition") -> T:
    """Poll ``check`` until it returns a truthy value (returned) or fail after ``timeout`` seconds. A deadline for a
    failing test, not a timing assertion."""
    deadline = time.monotonic() + timeout
    last_error: Optional[BaseException] = None
    while time.monotonic() < deadline:
        try:
            value = check()
            if value:
                return value
        except AssertionError as e:
            last_error = e
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {timeout} s" + (f": {last_error}" if last_error else ""))


class Recorded:
    """One request a test server received."""

    def __init__(self, method: str, path: str, headers: Dict[str, str], body: bytes) -> None:
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body


Handler = Callable[[Recorded], Tuple[int, Dict[str, str], bytes]]


class TestHttpServer:
    """A real HTTP server on 127.0.0.1 (ThreadingHTTPServer) that records every request and answers with
    ``handler(request) -> (status, headers, body)``."""

    def __init__(self, handler: Handler) -> None:
        self.requests: "queue.Queue[Recorded]" = queue.Queue()
        self.all: List[Recorded] = []
        outer = self

        class _H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                rec = Recorded(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                outer.all.append(rec)
                outer.requests.put(rec)
                status, headers, payload = handler(rec)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _handle

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _H)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def next(self, timeout: float = 30.0) -> Recorded:
        return self.requests.get(timeout=timeout)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
