"""HTTP transport: JSON requests with the bearer credential, problem+json errors and bounded retries.

Standard library only (``urllib.request``). Retries: a ``429`` answer is retried for every method (the rate limiter
refuses a request before it is processed); a ``503`` only for reads and idempotent writes. The wait is the server's
``Retry-After`` (seconds or an HTTP date, RFC 9110 section 10.2.3), else ``retry_base_delay * 2**attempt``, capped at
``max_retry_delay``; at most ``max_retries`` retries, then the error is raised.
"""
from __future__ import annotations

import email.utils
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Union

from ._routes import ROUTES
from .errors import EdgeConductorConnectionError, EdgeConductorError

QueryValue = Union[str, int, float, bool, None]

DEFAULT_BASE_URL = "http://localhost:8080/api/v1"

# Answers of these are about the credentials themselves: a 401 there is final.
_NO_REFRESH = ("auth/login", "auth/refresh", "auth/logout")


@dataclass(frozen=True)
class RetryInfo:
    """What :attr:`EdgeConductor.on_retry` is told before each retry: the request, the status that caused it, the
    attempt number (1 = first retry) and the delay in seconds."""

    method: str
    path: str
    status: int
    attempt: int
    delay: float


def normalize_base_url(url: str) -> str:
    """``http://host:8080`` → ``http://host:8080/api/v1``; a URL with a path keeps it (trailing ``/`` removed).

    Raises ValueError for a URL without scheme or host."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"base_url must be an absolute http(s) URL such as http://host:8080/api/v1, got {url!r}")
    path = parts.path.rstrip("/") or "/api/v1"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def segment(value: str) -> str:
    """Escape one path segment (a serial, an id). Raises ValueError for an empty value."""
    if not isinstance(value, str) or value == "":
        raise ValueError("a path value (serial or id) must be a non-empty string")
    return urllib.parse.quote(value, safe="")


def _query_text(value: QueryValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Transport:
    """Sends the SDK's requests. Not part of the public surface; use :class:`edgeconductor.EdgeConductor`."""

    def __init__(
        self,
        api_key: Optional[str],
        base_url: str,
        timeout: float,
        max_retries: int,
        retry_base_delay: float,
        max_retry_delay: float,
        user_agent: str,
        on_retry: Optional[Callable[[RetryInfo], None]],
        sleep: Callable[[float], None],
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        self.api_key = api_key
        self.base_url = normalize_base_url(base_url)
        self.timeout = timeout
        self.max_retries = max_retries
        self.retry_base_delay = retry_base_delay
        self.max_retry_delay = max_retry_delay
        self.user_agent = user_agent
        self.on_retry = on_retry
        self.sleep = sleep
        self.refresh_token: Optional[str] = None
        """Set by ``auth.login``: a 401 answer is then followed by one ``POST /auth/refresh`` and one retry (access
        tokens last 15 minutes; refresh tokens are single-use and rotate)."""
        self._refresh_lock = threading.Lock()
        # No proxy handler: the SDK talks to the server directly, like the streaming connection does.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    # -- building requests -------------------------------------------------------------------------------------------
    def path(self, method: str, template: str, params: Mapping[str, str],
             query: Optional[Mapping[str, QueryValue]] = None) -> str:
        """Fill ``template`` (one of :data:`ROUTES`) with escaped ``params`` and append the non-None ``query``."""
        if (method, template) not in ROUTES:
            raise AssertionError(f"{method} {template} is not a declared route (edgeconductor/_routes.py)")
        path = template.format(**{k: segment(v) for k, v in params.items()})
        if query:
            pairs = [(k, _query_text(v)) for k, v in query.items() if v is not None]
            if pairs:
                path += "?" + urllib.parse.urlencode(pairs)
        return path

    def headers(self, extra: Optional[Mapping[str, str]] = None, accept: str = "application/json") -> Dict[str, str]:
        h = {"Accept": accept, "User-Agent": self.user_agent}
        if self.api_key:
            h["Authorization"] = "Bearer " + self.api_key
        if extra:
            h.update(extra)
        return h

    # -- sending ---------------------------------------------------------------------------------------------------
    def call(
        self,
        method: str,
        template: str,
        params: Optional[Mapping[str, str]] = None,
        query: Optional[Mapping[str, QueryValue]] = None,
        body: Any = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> Any:
        """Send a JSON request and return the decoded JSON answer (None for an empty body, e.g. 204)."""
        path = self.path(method, template, params or {}, query)
        data = None
        extra: Dict[str, str] = dict(headers or {})
        if body is not None:
            data = json.dumps(body, separators=(",", ":"), allow_nan=False).encode("utf-8")
            extra["Content-Type"] = "application/json; charset=utf-8"
        _, _, raw = self.send(method, path, data, extra)
        if not raw:
            return None
        return json.loads(raw.decode("utf-8"))

    def send(self, method: str, path: str, data: Optional[bytes], headers: Mapping[str, str]) \
            -> Tuple[int, Mapping[str, str], bytes]:
        """Send bytes; return (status, headers, body) of a 2xx answer; raise :class:`EdgeConductorError` otherwise."""
        retry_503 = method in ("GET", "HEAD", "PUT", "DELETE")
        url = self.base_url + "/" + path
        attempt = 0
        refreshed = False
        while True:
            used_credential = self.api_key
            request = urllib.request.Request(url, data=data, method=method, headers=self.headers(headers))
            try:
                with self._opener.open(request, timeout=self.timeout) as response:
                    return response.status, dict(response.headers.items()), response.read()
            except urllib.error.HTTPError as e:
                try:
                    raw = e.read()
                except OSError:
                    raw = b""
                error = self.to_error(e.code, e.reason, e.headers, raw, method, path)
                e.close()
                if e.code == 401 and not refreshed and self.refresh_token and path not in _NO_REFRESH:
                    refreshed = True
                    if self.refresh_credential(used_credential):
                        continue
                retryable = e.code == 429 or (e.code == 503 and retry_503)
                if not retryable or attempt >= self.max_retries:
                    raise error from None
                delay = error.retry_after
                if delay is None:
                    delay = self.retry_base_delay * (2 ** attempt)
                delay = min(max(delay, 0.0), self.max_retry_delay)
                attempt += 1
                if self.on_retry is not None:
                    self.on_retry(RetryInfo(method, path, e.code, attempt, delay))
                self.sleep(delay)
            except (socket.timeout, TimeoutError) as e:
                raise EdgeConductorConnectionError(f"{method} {path} timed out after {self.timeout:g} s",
                                                   code="TIMEOUT", method=method, path=path) from e
            except urllib.error.URLError as e:
                if isinstance(e.reason, (socket.timeout, TimeoutError)):
                    raise EdgeConductorConnectionError(f"{method} {path} timed out after {self.timeout:g} s",
                                                       code="TIMEOUT", method=method, path=path) from e
                raise EdgeConductorConnectionError(f"{method} {url}: {e.reason}", method=method, path=path) from e
            except (ConnectionError, OSError) as e:
                raise EdgeConductorConnectionError(f"{method} {url}: {e}", method=method, path=path) from e

    def refresh_credential(self, used_credential: Optional[str]) -> bool:
        """Exchange the refresh token for a new access token (``POST /auth/refresh``). Another thread may have done it
        already: then just retry with its token. False when the refresh is refused (the 401 is raised)."""
        with self._refresh_lock:
            if self.api_key != used_credential:
                return True
            body = json.dumps({"refresh_token": self.refresh_token}).encode("utf-8")
            try:
                _, _, raw = self.send("POST", "auth/refresh", body, {"Content-Type": "application/json"})
            except EdgeConductorError:
                self.refresh_token = None
                return False
            tokens = json.loads(raw.decode("utf-8"))
            self.api_key = str(tokens["access_token"])
            self.refresh_token = str(tokens["refresh_token"])
            return True

    @staticmethod
    def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
        """``Retry-After`` as seconds: delta-seconds or an HTTP date (RFC 9110 section 10.2.3); None if absent/invalid."""
        if value is None:
            return None
        value = value.strip()
        if value.isdigit():
            return float(value)
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        return max(0.0, when.timestamp() - (time.time() if now is None else now))

    def to_error(self, status: int, reason: Any, headers: Any, raw: bytes, method: str, path: str) \
            -> EdgeConductorError:
        """An :class:`EdgeConductorError` from an error answer: the problem+json members, else the body's text."""
        retry_after = self.parse_retry_after(headers.get("Retry-After") if headers is not None else None)
        code = title = detail = trace_id = None
        errors: Dict[str, Any] = {}
        text = raw.decode("utf-8", errors="replace")
        try:
            doc = json.loads(text) if text.strip() else None
        except ValueError:
            doc = None
            if text.strip():
                detail = text.strip()[:500]
        if isinstance(doc, dict):
            code = _str(doc.get("code"))
            title = _str(doc.get("title"))
            detail = _str(doc.get("detail")) or _str(doc.get("error")) or _str(doc.get("message"))
            trace_id = _str(doc.get("trace_id"))
            raw_errors = doc.get("errors")
            if isinstance(raw_errors, dict):
                for name, msgs in raw_errors.items():
                    errors[name] = [str(m) for m in msgs] if isinstance(msgs, list) else [str(msgs)]
        reason_text = str(reason) if reason else None
        message = detail or title or reason_text or f"HTTP {status}"
        return EdgeConductorError(status, code, message, title=title or reason_text, detail=detail, errors=errors,
                                  retry_after=retry_after, trace_id=trace_id, method=method, path=path)


def _str(value: Any) -> Optional[str]:
    return value if isinstance(value, str) else None
