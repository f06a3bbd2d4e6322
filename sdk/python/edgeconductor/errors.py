"""Errors raised by the SDK.

The server answers every error as ``application/problem+json`` (RFC 9457) with an extra ``code`` member
(see docs/api.md, "Errors"): ``BAD_REQUEST``, ``UNAUTHORIZED``, ``FORBIDDEN``, ``NOT_FOUND``, ``CONFLICT``,
``RATE_LIMITED``, ``SERVICE_UNAVAILABLE`` ... :class:`EdgeConductorError` carries those members.
"""
from __future__ import annotations

from typing import Dict, List, Mapping, Optional


class EdgeConductorError(Exception):
    """An error answer from the EdgeConductor API (any HTTP status >= 400).

    Attributes:
        status: the HTTP status (400, 401, 403, 404, 409, 412, 413, 429, 500, 503 ...); 0 for a connection error.
        code: the problem's ``code`` (``"NOT_FOUND"``, ``"BAD_REQUEST"`` ...), or None when the body had none.
        message: a readable text: the problem's ``detail``, else its ``title``, else the HTTP reason.
        title: the problem's ``title``.
        detail: the problem's ``detail``.
        errors: per-field validation messages, ``{"serial_no": ["must be at most 64 characters"]}`` (400 only).
        retry_after: seconds the server asked to wait (``Retry-After`` on 429/503), else None.
        trace_id: the server's ``trace_id`` for support requests.
        method, path: the request that failed (path relative to the base URL).
    """

    def __init__(
        self,
        status: int,
        code: Optional[str],
        message: str,
        *,
        title: Optional[str] = None,
        detail: Optional[str] = None,
        errors: Optional[Mapping[str, List[str]]] = None,
        retry_after: Optional[float] = None,
        trace_id: Optional[str] = None,
        method: Optional[str] = None,
        path: Optional[str] = None,
    ) -> None:
        self.status: int = status
        self.code: Optional[str] = code
        self.message: str = message
        self.title: Optional[str] = title
        self.detail: Optional[str] = detail
        self.errors: Dict[str, List[str]] = dict(errors or {})
        self.retry_after: Optional[float] = retry_after
        self.trace_id: Optional[str] = trace_id
        self.method: Optional[str] = method
        self.path: Optional[str] = path
        suffix = f"HTTP {status} {code}" if code else f"HTTP {status}"
        super().__init__(f"{message} ({suffix})")


class EdgeConductorConnectionError(EdgeConductorError):
    """The server could not be reached or the connection broke (status 0, code ``"CONNECTION_ERROR"``),
    or the request timed out (code ``"TIMEOUT"``)."""

    def __init__(self, message: str, *, code: str = "CONNECTION_ERROR", method: Optional[str] = None,
                 path: Optional[str] = None) -> None:
        super().__init__(0, code, message, method=method, path=path)
