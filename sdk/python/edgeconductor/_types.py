"""Type aliases for the JSON the API exchanges (snake_case members exactly as on the wire, see docs/api.md)."""
from __future__ import annotations

from typing import Any, Dict, List

JsonObject = Dict[str, Any]
"""One JSON object as the server sends it (a device, a rule, an org ...)."""

JsonList = List[Dict[str, Any]]
"""A JSON array of objects (one page of a list)."""
