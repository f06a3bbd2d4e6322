"""ec.orgs, ec.audit, ec.api_keys and ec.auth against the real server."""
from __future__ import annotations

import unittest

from _support import ADMIN_EMAIL, ADMIN_PASSWORD, BASE_URL, admin, new_org, unique

from edgeconductor import EdgeConductor, EdgeConductorError


class OrgsTests(unittest.TestCase):
    def test_create_list_get_update_and_rooms(self) -> None:
        name = unique("Acme")
        org = admin().orgs.create(name, plan="pro")
        self.assertEqual((org["name"], org["plan"]), (name, "pro"))
        self.assertIn(org["id"], [o["id"] for o in admin().orgs.list()])
        self.assertEqual(admin().orgs.get(org["id"])["slug"], org["slug"])
        self.assertEqual(admin().orgs.update(org["id"], {"primary_color": "#112233"})["primary_color"], "#112233")
        room = admin().orgs.create_room(org["id"], "Server room", floor="-1", building="HQ")
        self.assertEqual((room["name"], room["floor"], room["building"]), ("Server room", "-1", "HQ"))
        self.assertEqual([r["id"] for r in admin().orgs.rooms(org["id"])], [room["id"]])

    def test_an_api_key_sees_only_its_org(self) -> None:
        org_id, ec, _ = new_org()
        self.assertEqual([o["id"] for o in ec.orgs.list()], [org_id])
        other, _, _ = new_org()
        with self.assertRaises(EdgeConductorError) as e:
            ec.orgs.get(other)
        self.assertEqual(e.exception.status, 404)
        with self.assertRaises(EdgeConductorError) as dup:
            admin().orgs.create("Dup", slug=admin().orgs.get(org_id)["slug"])
        self.assertEqual(dup.exception.status, 409)


class AuditTests(unittest.TestCase):
    def test_list_with_limit_and_action_filter(self) -> None:
        org_id, ec, _ = new_org()
        serials = [unique("PY-AUD") for _ in range(3)]
        for s in serials:
            ec.devices.register(serial_no=s, product_type="EC-CLIMATE-V1")
        events = ec.audit.list(org_id, action="device_registered")
        self.assertEqual([e["target_id"] for e in events], list(reversed(serials)))  # newest first
        self.assertEqual(len(ec.audit.list(org_id, limit=2)), 2)
        older = ec.audit.list(org_id, action="device_registered", before_id=events[0]["id"])
        self.assertEqual([e["target_id"] for e in older], list(reversed(serials[:2])))
        self.assertIn("api_key_created", {e["action"] for e in ec.audit.list(org_id)})


class ApiKeysTests(unittest.TestCase):
    def test_generate_list_and_revoke(self) -> None:
        org_id, ec, first = new_org()
        made = ec.api_keys.generate(org_id, "ci")
        self.assertTrue(made["key"].startswith("ec_live_"))
        listed = ec.api_keys.list(org_id)
        self.assertEqual({k["id"] for k in listed}, {first["id"], made["id"]})
        self.assertTrue(all("key" not in k for k in listed))
        other = EdgeConductor(api_key=made["key"], base_url=BASE_URL)
        self.assertEqual(other.auth.me()["kind"], "api_key")
        revoked = ec.api_keys.revoke(made["id"])
        self.assertIsNotNone(revoked["revoked_at"])
        with self.assertRaises(EdgeConductorError) as e:
            other.devices.list()
        self.assertEqual((e.exception.status, e.exception.code), (401, "UNAUTHORIZED"))
        with self.assertRaises(EdgeConductorError) as twice:
            ec.api_keys.revoke(made["id"])
        self.assertEqual(twice.exception.status, 409)


class AuthTests(unittest.TestCase):
    def test_an_expired_access_token_is_refreshed_once_and_a_dead_session_is_401(self) -> None:
        ec = EdgeConductor.login(ADMIN_EMAIL, ADMIN_PASSWORD, base_url=BASE_URL)
        first_refresh = ec._transport.refresh_token
        ec._transport.api_key = "not-a-valid-token"  # stands in for an access token past its 15 minutes
        self.assertEqual(ec.auth.me()["role"], "super_admin")
        self.assertNotEqual(ec._transport.api_key, "not-a-valid-token")
        self.assertNotEqual(ec._transport.refresh_token, first_refresh)  # refresh tokens rotate
        ec._transport.api_key = "not-a-valid-token"
        ec._transport.refresh_token = first_refresh  # used up: the server refuses it (and revokes the login)
        with self.assertRaises(EdgeConductorError) as e:
            ec.orgs.list()
        self.assertEqual(e.exception.status, 401)

    def test_login_and_a_wrong_password(self) -> None:
        self.assertEqual(admin().auth.me()["role"], "super_admin")
        with self.assertRaises(EdgeConductorError) as e:
            EdgeConductor.login("nobody-" + unique("x").lower() + "@example.com", "wrong-password", base_url=BASE_URL)
        self.assertEqual(e.exception.status, 401)


if __name__ == "__main__":
    unittest.main()
