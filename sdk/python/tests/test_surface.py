"""The SDK's surface: seed 000's methods exist in snake_case, every REST path the SDK calls exists in the server's
OpenAPI document, every public method is documented and fully annotated, and the README's quick start runs."""
from __future__ import annotations

import inspect
import json
import os
import re
import subprocess
import sys
import unittest
import urllib.request
from typing import Set, Tuple

from _support import BASE_URL, admin, new_org, require_server

import edgeconductor
from edgeconductor import EdgeConductor, EdgeConductorError
from edgeconductor._routes import ROUTES

# Seed 000 "SDK Reference" (camelCase there, snake_case here) plus what the server has beyond the seed.
SEED_SURFACE = {
    "devices": ["register", "list", "get", "get_shadow", "push_config", "reboot", "assign"],
    "telemetry": ["push", "history", "recent", "stream"],
    "rules": ["list", "threshold", "schedule", "enable", "disable", "delete"],
    "orgs": ["list", "get", "rooms", "create_room"],
    "audit": ["list"],
    "notifications": ["list", "mark_read", "mark_all_read"],
    "anomalies": ["list", "acknowledge"],
    "firmware": ["list", "push"],
    "api_keys": ["generate", "list", "revoke"],
    "commands": ["send", "list", "get"],
    "ota_jobs": ["create", "list", "get", "pause", "resume", "cancel"],
    "webhooks": ["deliveries", "get_delivery", "replay", "rotate_secret"],
}

PACKAGE_DIR = os.path.dirname(os.path.abspath(edgeconductor.__file__))
README = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md")


def _norm(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


class SurfaceTests(unittest.TestCase):
    def test_the_seed_surface_exists(self) -> None:
        ec = EdgeConductor(api_key="k", base_url="http://localhost:8080")
        for group, methods in SEED_SURFACE.items():
            for name in methods:
                self.assertTrue(callable(getattr(getattr(ec, group), name, None)), f"ec.{group}.{name}")
        for name in ("EdgeConductor", "EdgeConductorError", "paginate", "verify_webhook"):
            self.assertTrue(hasattr(edgeconductor, name), name)
        params = inspect.signature(ec.telemetry.stream).parameters
        self.assertEqual(params["interval"].default, 5)
        self.assertEqual(list(inspect.signature(ec.devices.register).parameters)[:2], ["serial_no", "product_type"])

    def test_every_public_method_is_documented_and_annotated(self) -> None:
        ec = EdgeConductor(api_key="k", base_url="http://localhost:8080")
        groups = [getattr(ec, g) for g in vars(ec) if not g.startswith("_")] + [ec]
        functions = [edgeconductor.paginate, edgeconductor.verify_webhook, edgeconductor.sign_webhook]
        for obj in groups:
            for name, member in inspect.getmembers(obj, inspect.ismethod):
                if not name.startswith("_"):
                    functions.append(member)
        for f in functions:
            self.assertTrue(inspect.getdoc(f), f"{f.__qualname__} has no docstring")
            sig = inspect.signature(f)
            self.assertIsNot(sig.return_annotation, inspect.Signature.empty, f"{f.__qualname__} return type")
            for p in sig.parameters.values():
                self.assertIsNot(p.annotation, inspect.Parameter.empty, f"{f.__qualname__}({p.name})")
        self.assertTrue(os.path.isfile(os.path.join(PACKAGE_DIR, "py.typed")))

    def test_every_route_the_sdk_calls_is_in_the_servers_openapi_document(self) -> None:
        require_server()
        root = BASE_URL.rstrip("/")
        with urllib.request.urlopen(root + "/openapi/v1.json", timeout=30) as r:
            doc = json.load(r)
        have: Set[Tuple[str, str]] = set()
        for path, ops in doc["paths"].items():
            for method in ops:
                if method in ("get", "post", "put", "patch", "delete"):
                    have.add((method.upper(), _norm(path)))
        missing = sorted(f"{m} /api/v1/{t}" for m, t in ROUTES if (m, _norm("/api/v1/" + t)) not in have)
        self.assertEqual(missing, [])

    def test_the_route_table_matches_the_code(self) -> None:
        used: Set[Tuple[str, str]] = set()
        pattern = re.compile(r'(?:call|path)\(\s*"(GET|POST|PUT|PATCH|DELETE)",\s*"([^"]+)"(\s*\+\s*action)?')
        for name in os.listdir(PACKAGE_DIR):
            if name.endswith(".py") and name != "_routes.py":
                with open(os.path.join(PACKAGE_DIR, name), encoding="utf-8") as f:
                    for m in pattern.finditer(f.read()):
                        if m.group(3):  # "ota-jobs/{id}/" + action
                            used.update((m.group(1), m.group(2) + a) for a in ("pause", "resume", "cancel"))
                        else:
                            used.add((m.group(1), m.group(2)))
        used.add(("GET", "devices/{serial}/stream"))  # opened by stream.py with http.client
        used.add(("POST", "auth/refresh"))  # sent by the transport itself after a 401 (_transport._refresh)
        self.assertEqual(sorted(used - ROUTES), [], "called but not declared")
        self.assertEqual(sorted(ROUTES - used), [], "declared but never called")

    def test_the_readme_quick_start_runs_against_the_server(self) -> None:
        require_server()
        with open(README, encoding="utf-8") as f:
            text = f.read()
        block = re.search(r"<!-- example:quickstart -->\s*```python\n(.*?)```", text, re.S)
        assert block is not None, "README has no quick-start block"
        org_id, ec, key = new_org()
        try:  # the example's fixed serial may be left in another org by an earlier run against the same server
            admin().devices.delete("MY-DEVICE-001", force=True)
        except EdgeConductorError as e:
            self.assertEqual(e.status, 404)
        env = dict(os.environ, EC_API_KEY=key["key"], EC_BASE_URL=BASE_URL + "/api/v1")
        run = subprocess.run([sys.executable, "-c", block.group(1)], env=env, capture_output=True, text=True,
                             timeout=120)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn("{'temp': 24.5, 'hum': 60, 'co2': 850, 'bat': 4.1}", run.stdout)
        rules = ec.rules.list(org_id)
        self.assertEqual([(r["name"], r["condition"]) for r in rules],
                         [("CO2 High Alert", {"field": "co2", "op": ">", "value": 1000})])
        self.assertEqual(ec.devices.get("MY-DEVICE-001")["org_id"], org_id)


if __name__ == "__main__":
    unittest.main()
