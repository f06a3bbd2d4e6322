"""The entry point: ``EdgeConductor(api_key=..., base_url=...)`` (seed 000 "SDK Reference")."""
from __future__ import annotations

import os
import time
from typing import Any, Callable, Optional

from ._transport import DEFAULT_BASE_URL, RetryInfo, Transport
from .anomalies import AnomaliesClient
from .api_keys import ApiKeysClient
from .audit import AuditClient
from .auth import AuthClient
from .commands import CommandsClient
from .devices import DevicesClient
from .firmware import FirmwareClient
from .notifications import NotificationsClient
from .orgs import OrgsClient
from .ota_jobs import OtaJobsClient
from .rules import RulesClient
from .telemetry import TelemetryClient
from .webhooks import WebhooksClient

__version__ = "0.2.0"


class EdgeConductor:
    """A client of one EdgeConductor server.

    api_key: an org API key ``ec_live_…`` (or a user's access token); default ``$EC_API_KEY``. Sent as
    ``Authorization: Bearer``.
    base_url: the API root, ``http://host:8080/api/v1`` (a bare ``http://host:8080`` gets ``/api/v1``); default
    ``$EC_BASE_URL`` or ``http://localhost:8080/api/v1``.
    timeout: seconds per request (default 100).
    max_retries: retries of a 429 (any method) or 503 (reads and idempotent writes) answer, default 3; 0 disables.
    retry_base_delay / max_retry_delay: seconds; the wait is ``Retry-After`` when the server sends it, else
    ``retry_base_delay * 2**attempt``, never more than ``max_retry_delay``.
    on_retry: called with a :class:`RetryInfo` before each retry.
    user_agent: the ``User-Agent`` header. sleep: how the client waits between retries (``time.sleep``; a test can
    pass a recorder).

    Errors are raised as :class:`edgeconductor.EdgeConductorError`. The client holds no open connections; it is
    safe to share between threads as long as the credential is not changed concurrently.
    """

    def __init__(
        self,
        api_key: Optional[str] = None,
        base_url: Optional[str] = None,
        *,
        timeout: float = 100.0,
        max_retries: int = 3,
        retry_base_delay: float = 0.5,
        max_retry_delay: float = 60.0,
        on_retry: Optional[Callable[[RetryInfo], None]] = None,
        user_agent: str = "edgeconductor-python/" + __version__,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._transport = Transport(
            api_key if api_key is not None else os.environ.get("EC_API_KEY"),
            base_url or os.environ.get("EC_BASE_URL") or DEFAULT_BASE_URL,
            timeout, max_retries, retry_base_delay, max_retry_delay, user_agent, on_retry, sleep)
        self.devices = DevicesClient(self._transport)
        self.telemetry = TelemetryClient(self._transport)
        self.rules = RulesClient(self._transport)
        self.orgs = OrgsClient(self._transport)
        self.audit = AuditClient(self._transport)
        self.notifications = NotificationsClient(self._transport)
        self.anomalies = AnomaliesClient(self._transport)
        self.firmware = FirmwareClient(self._transport)
        self.api_keys = ApiKeysClient(self._transport)
        self.commands = CommandsClient(self._transport)
        self.ota_jobs = OtaJobsClient(self._transport)
        self.webhooks = WebhooksClient(self._transport)
        self.auth = AuthClient(self._transport)

    @property
    def base_url(self) -> str:
        """The normalized API root, e.g. ``http://localhost:8080/api/v1``."""
        return self._transport.base_url

    @classmethod
    def login(cls, email: str, password: str, base_url: Optional[str] = None, **options: Any) -> "EdgeConductor":
        """A client authenticated as a user (``POST /auth/login``; the access token lasts 15 minutes)."""
        client = cls(api_key="", base_url=base_url, **options)
        client.auth.login(email, password)
        return client
