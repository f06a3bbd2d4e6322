"""Every REST operation the SDK calls: (method, path template relative to ``/api/v1``).

The transport refuses a template that is not listed here, and the test suite checks every entry against the server's
OpenAPI document (``/openapi/v1.json``), so the SDK cannot call a path the server does not have.
"""
from __future__ import annotations

from typing import FrozenSet, Tuple

ROUTES: FrozenSet[Tuple[str, str]] = frozenset({
    # auth
    ("POST", "auth/login"),
    ("POST", "auth/refresh"),
    ("GET", "auth/me"),
    # devices (seed 000: POST /devices/register, GET /devices, GET /devices/:serial ...)
    ("POST", "devices/register"),
    ("GET", "devices"),
    ("GET", "devices/{serial}"),
    ("PATCH", "devices/{serial}"),
    ("DELETE", "devices/{serial}"),
    ("POST", "devices/{serial}/secret/rotate"),
    ("GET", "devices/{serial}/shadow"),
    ("PATCH", "devices/{serial}/shadow/desired"),
    ("POST", "devices/{serial}/reboot"),
    # telemetry
    ("POST", "devices/{serial}/telemetry"),
    ("GET", "devices/{serial}/telemetry"),
    ("GET", "devices/{serial}/telemetry/recent"),
    ("GET", "devices/{serial}/telemetry/latest"),
    ("GET", "devices/{serial}/telemetry/aggregate"),
    ("GET", "devices/{serial}/stream"),
    # commands
    ("POST", "devices/{serial}/commands"),
    ("GET", "devices/{serial}/commands"),
    ("GET", "devices/{serial}/commands/recent"),
    ("GET", "devices/{serial}/commands/{id}"),
    # orgs and rooms
    ("GET", "orgs"),
    ("POST", "orgs"),
    ("GET", "orgs/{id}"),
    ("PATCH", "orgs/{id}"),
    ("GET", "orgs/{id}/rooms"),
    ("POST", "orgs/{id}/rooms"),
    # rules
    ("GET", "orgs/{id}/rules"),
    ("POST", "orgs/{id}/rules"),
    ("GET", "rules/{id}"),
    ("PATCH", "rules/{id}"),
    ("DELETE", "rules/{id}"),
    ("POST", "rules/{id}/test"),
    # audit
    ("GET", "orgs/{id}/audit"),
    # notifications
    ("GET", "orgs/{id}/notifications"),
    ("GET", "orgs/{id}/notifications/unread-count"),
    ("POST", "orgs/{id}/notifications/read-all"),
    ("PATCH", "notifications/{id}/read"),
    # anomalies
    ("GET", "orgs/{id}/anomalies"),
    ("GET", "anomalies/{id}"),
    ("PATCH", "anomalies/{id}/acknowledge"),
    # firmware and OTA
    ("GET", "firmware"),
    ("GET", "firmware/{id}"),
    ("DELETE", "firmware/{id}"),
    ("POST", "orgs/{id}/firmware"),
    ("POST", "devices/{serial}/ota"),
    ("POST", "orgs/{id}/ota-jobs"),
    ("GET", "orgs/{id}/ota-jobs"),
    ("GET", "ota-jobs"),
    ("GET", "ota-jobs/{id}"),
    ("POST", "ota-jobs/{id}/pause"),
    ("POST", "ota-jobs/{id}/resume"),
    ("POST", "ota-jobs/{id}/cancel"),
    # API keys
    ("POST", "orgs/{id}/api-keys"),
    ("GET", "orgs/{id}/api-keys"),
    ("DELETE", "api-keys/{id}"),
    # webhooks
    ("POST", "orgs/{id}/webhook-secret"),
    ("GET", "orgs/{id}/webhook-secret"),
    ("GET", "orgs/{id}/webhook-deliveries"),
    ("GET", "rules/{id}/deliveries"),
    ("GET", "webhook-deliveries/{id}"),
    ("POST", "webhook-deliveries/{id}/replay"),
})
