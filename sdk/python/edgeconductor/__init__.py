"""EdgeConductor Python SDK (standard library only).

    from edgeconductor import EdgeConductor
    ec = EdgeConductor(api_key="ec_live_xxxx", base_url="http://localhost:8080/api/v1")
    ec.devices.register(serial_no="MY-DEVICE-001", product_type="EC-CLIMATE-V1")

See sdk/python/README.md and docs/python-sdk.md.
"""
from __future__ import annotations

from ._transport import RetryInfo
from .client import EdgeConductor, __version__
from .errors import EdgeConductorConnectionError, EdgeConductorError
from .pagination import paginate
from .stream import TelemetryStream
from .webhook_verify import sign_webhook, verify_webhook

__all__ = [
    "EdgeConductor",
    "EdgeConductorError",
    "EdgeConductorConnectionError",
    "RetryInfo",
    "TelemetryStream",
    "paginate",
    "sign_webhook",
    "verify_webhook",
    "__version__",
]
