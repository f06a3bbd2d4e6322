"""A generator over every page of a list call (``limit``/``offset`` paging, docs/api.md "Paging")."""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterator, List

_Page = Callable[..., List[Dict[str, Any]]]


def paginate(list_call: _Page, *args: Any, page_size: int = 100, **kwargs: Any) -> Iterator[Dict[str, Any]]:
    """Yield every item of a list method across all its pages, fetching one page at a time.

    ``list_call`` is any SDK list method that takes ``limit`` and ``offset`` (``ec.devices.list``,
    ``ec.orgs.list``, ``ec.audit.list``, ``ec.rules.list``, ``ec.notifications.list``, ``ec.anomalies.list``,
    ``ec.firmware.list``, ``ec.ota_jobs.list``, ``ec.webhooks.deliveries``); ``args``/``kwargs`` are passed on.
    ``page_size`` must be within the endpoint's limit (1-1000 for most, 1-500 for notifications, anomalies and
    deliveries). Paging stops at the first page shorter than ``page_size``::

        for device in paginate(ec.devices.list, org_id=org, page_size=500):
            print(device["serial_no"])
    """
    if page_size < 1:
        raise ValueError("page_size must be at least 1")
    offset = int(kwargs.pop("offset", None) or 0)
    kwargs.pop("limit", None)
    while True:
        page = list_call(*args, limit=page_size, offset=offset, **kwargs)
        for item in page:
            yield item
        if len(page) < page_size:
            return
        offset += len(page)
