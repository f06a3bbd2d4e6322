"""Verify a received webhook: Standard Webhooks signatures (https://www.standardwebhooks.com; docs/webhooks.md).

``webhook-signature`` is ``v1,<base64 HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")>``, several
space-separated during a secret rotation; the key is the base64 part of the org's secret ``whsec_…``.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from typing import Mapping, Optional, Sequence, Union

DEFAULT_TOLERANCE = 300
"""Seconds a signature's timestamp may differ from now (docs/webhooks.md: 5 minutes), against replays."""


def _header(headers: Mapping[str, str], name: str) -> Optional[str]:
    value = headers.get(name)
    if value is not None:
        return value
    for key, v in headers.items():  # HTTP header names are case-insensitive
        if key.lower() == name:
            return v
    return None


def _key(secret: str) -> bytes:
    text = secret[len("whsec_"):] if secret.startswith("whsec_") else secret
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as e:
        raise ValueError("the webhook secret must be whsec_ followed by base64") from e


def sign_webhook(secret: str, msg_id: str, timestamp: Union[int, str], payload: Union[bytes, str]) -> str:
    """The ``v1,<base64>`` signature of ``payload`` (the raw body) for ``msg_id`` and ``timestamp`` (Unix seconds,
    signed exactly as given: the ``webhook-timestamp`` header text)."""
    body = payload.encode("utf-8") if isinstance(payload, str) else payload
    msg = f"{msg_id}.{timestamp}.".encode("utf-8") + body
    return "v1," + base64.b64encode(hmac.new(_key(secret), msg, hashlib.sha256).digest()).decode("ascii")


def verify_webhook(payload: Union[bytes, str], headers: Mapping[str, str], secret: Union[str, Sequence[str]],
                   tolerance: int = DEFAULT_TOLERANCE, now: Optional[float] = None) -> bool:
    """True when ``headers`` carry a valid signature of ``payload`` by ``secret`` and a fresh timestamp.

    payload: the **raw** request body, before any JSON parsing. headers: the request headers (any mapping; names
    matched case-insensitively): ``webhook-id``, ``webhook-timestamp``, ``webhook-signature``. secret: ``whsec_…``,
    or several secrets (a receiver switching secrets). Any one matching signature suffices (the server sends two
    during its rotation grace period). A timestamp more than ``tolerance`` seconds from ``now`` (default: the clock)
    is refused. Comparison is constant-time. Missing or malformed headers give False; a malformed secret raises
    ValueError."""
    msg_id = _header(headers, "webhook-id")
    stamp = _header(headers, "webhook-timestamp")
    signatures = _header(headers, "webhook-signature")
    if not msg_id or not stamp or not signatures:
        return False
    try:
        ts = int(stamp.strip())
    except ValueError:
        return False
    current = time.time() if now is None else now
    if abs(current - ts) > tolerance:
        return False
    secrets = [secret] if isinstance(secret, str) else list(secret)
    expected = [sign_webhook(s, msg_id, stamp.strip(), payload) for s in secrets]
    for candidate in signatures.split():
        if not candidate.startswith("v1,"):
            continue
        for e in expected:
            if hmac.compare_digest(candidate.encode("ascii", errors="replace"), e.encode("ascii")):
                return True
    return False
