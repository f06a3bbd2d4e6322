"""``ec.rules``: threshold and schedule automation rules (seed 000 → ec.rules; docs/rules.md)."""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Sequence

from ._transport import Transport
from ._types import JsonList, JsonObject

THRESHOLD_OPS = (">", "<", ">=", "<=", "==", "!=")
"""The operators a threshold rule accepts (seed 000)."""


class RulesClient:
    """Create, list, toggle and delete an org's rules. ``action`` is ``{"key": "relay", "value": True}``: the
    desired-state key and value set on each device in scope when the rule fires."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def list(self, org_id: str, limit: Optional[int] = 1000, offset: Optional[int] = None) -> JsonList:
        """``GET /orgs/:id/rules``: the org's rules (``limit`` 1-1000)."""
        result: JsonList = self._t.call("GET", "orgs/{id}/rules", {"id": org_id},
                                        query={"limit": limit, "offset": offset})
        return result

    def get(self, rule_id: str) -> JsonObject:
        """``GET /rules/:id``: one rule with its state."""
        result: JsonObject = self._t.call("GET", "rules/{id}", {"id": rule_id})
        return result

    def threshold(self, org_id: str, name: str, field: str, op: str, value: Any, action: Mapping[str, Any],
                  webhook_url: Optional[str] = None, *, for_seconds: Optional[int] = None,
                  clear_value: Optional[float] = None, clear_action: Optional[Mapping[str, Any]] = None,
                  scope: Optional[Mapping[str, Any]] = None, webhook_preset: Optional[str] = None,
                  notify: Optional[bool] = None, enabled: Optional[bool] = None) -> JsonObject:
        """``POST /orgs/:id/rules`` with ``rule_type: "threshold"``: fire ``action`` when ``field op value`` holds
        (``op`` one of ``> < >= <= == !=``, seed 000), optionally for ``for_seconds`` and with a ``clear_value`` /
        ``clear_action``. ``webhook_url`` gets a signed POST per firing. Returns the rule (201). 400 names the bad
        field (e.g. ``condition.op``)."""
        condition: Dict[str, Any] = {"field": field, "op": op, "value": value}
        if for_seconds is not None:
            condition["for_seconds"] = for_seconds
        if clear_value is not None:
            condition["clear_value"] = clear_value
        return self._create(org_id, name, "threshold", condition, action, webhook_url, clear_action, scope,
                            webhook_preset, notify, enabled)

    def schedule(self, org_id: str, name: str, time: str, days: Sequence[str], action: Mapping[str, Any],
                 webhook_url: Optional[str] = None, *, scope: Optional[Mapping[str, Any]] = None,
                 webhook_preset: Optional[str] = None, notify: Optional[bool] = None,
                 enabled: Optional[bool] = None) -> JsonObject:
        """``POST /orgs/:id/rules`` with ``rule_type: "schedule"``: run ``action`` at ``time`` (``"HH:MM"``, the org's
        time zone) on ``days`` (``["mon", "tue", ...]``). Returns the rule (201)."""
        condition = {"time": time, "days": list(days)}
        return self._create(org_id, name, "schedule", condition, action, webhook_url, None, scope, webhook_preset,
                            notify, enabled)

    def _create(self, org_id: str, name: str, rule_type: str, condition: Mapping[str, Any],
                action: Mapping[str, Any], webhook_url: Optional[str], clear_action: Optional[Mapping[str, Any]],
                scope: Optional[Mapping[str, Any]], webhook_preset: Optional[str], notify: Optional[bool],
                enabled: Optional[bool]) -> JsonObject:
        body: Dict[str, Any] = {"name": name, "rule_type": rule_type, "condition": dict(condition),
                                "action": dict(action)}
        optional = {"webhook_url": webhook_url, "clear_action": dict(clear_action) if clear_action else None,
                    "scope": dict(scope) if scope else None, "webhook_preset": webhook_preset, "notify": notify,
                    "enabled": enabled}
        body.update({k: v for k, v in optional.items() if v is not None})
        result: JsonObject = self._t.call("POST", "orgs/{id}/rules", {"id": org_id}, body=body)
        return result

    def update(self, rule_id: str, changes: Mapping[str, Any]) -> JsonObject:
        """``PATCH /rules/:id`` with any create field except ``rule_type``. Returns the rule."""
        result: JsonObject = self._t.call("PATCH", "rules/{id}", {"id": rule_id}, body=dict(changes))
        return result

    def enable(self, rule_id: str) -> JsonObject:
        """``PATCH /rules/:id {"enabled": true}``. Returns the rule."""
        return self.update(rule_id, {"enabled": True})

    def disable(self, rule_id: str) -> JsonObject:
        """``PATCH /rules/:id {"enabled": false}``: the rule stays but does not fire. Returns the rule."""
        return self.update(rule_id, {"enabled": False})

    def delete(self, rule_id: str) -> JsonObject:
        """``DELETE /rules/:id`` → ``{"deleted": true, "id"}``."""
        result: JsonObject = self._t.call("DELETE", "rules/{id}", {"id": rule_id})
        return result

    def test(self, rule_id: str) -> JsonObject:
        """``POST /rules/:id/test``: dry run — each in-scope device's latest value, ``matches``, ``would_fire``;
        nothing is stored, sent or audited."""
        result: JsonObject = self._t.call("POST", "rules/{id}/test", {"id": rule_id})
        return result
