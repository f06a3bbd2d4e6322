"""ec.devices against the real server: register/list/get/get_shadow/shadow/push_config/reboot/assign/update/
delete/rotate_secret, with their error answers."""
from __future__ import annotations

import unittest

from _support import BASE_URL, eventually, new_org, unique

from edgeconductor import EdgeConductor, EdgeConductorError


class DevicesTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.org_id, cls.ec, _ = new_org()

    def test_register_is_idempotent_and_shows_the_secret_once(self) -> None:
        serial = unique("PY-REG")
        first = self.ec.devices.register(serial_no=serial, product_type="EC-CLIMATE-V1", fw_version="1.0.0")
        self.assertEqual(first["serial_no"], serial)
        self.assertEqual(first["org_id"], self.org_id)
        self.assertTrue(first["device_secret"].startswith("ds_"))
        again = self.ec.devices.register(serial_no=serial, product_type="EC-CLIMATE-V1", fw_version="1.1.0")
        self.assertEqual(again["id"], first["id"])
        self.assertNotIn("device_secret", again)
        self.assertEqual(again["fw_version"], "1.1.0")

    def test_register_in_another_org_is_409_and_bad_serial_is_400_naming_the_field(self) -> None:
        serial = unique("PY-DUP")
        self.ec.devices.register(serial_no=serial, product_type="EC-CLIMATE-V1")
        _, other, _ = new_org()
        with self.assertRaises(EdgeConductorError) as conflict:
            other.devices.register(serial_no=serial, product_type="EC-CLIMATE-V1")
        self.assertEqual((conflict.exception.status, conflict.exception.code), (409, "CONFLICT"))
        with self.assertRaises(EdgeConductorError) as bad:
            self.ec.devices.register(serial_no="has space", product_type="EC-CLIMATE-V1")
        self.assertEqual((bad.exception.status, bad.exception.code), (400, "BAD_REQUEST"))
        self.assertIn("serial_no", bad.exception.errors)

    def test_list_filters_by_product_type_and_get_returns_the_device(self) -> None:
        a = unique("PY-LST-A")
        b = unique("PY-LST-B")
        self.ec.devices.register(serial_no=a, product_type="EC-TRACK-V1")
        self.ec.devices.register(serial_no=b, product_type="EC-HVAC-V1")
        trackers = [d["serial_no"] for d in self.ec.devices.list(org_id=self.org_id, product_type="EC-TRACK-V1")]
        self.assertIn(a, trackers)
        self.assertNotIn(b, trackers)
        offline = [d["serial_no"] for d in self.ec.devices.list(status="offline", limit=1000)]
        self.assertIn(b, offline)
        got = self.ec.devices.get(b)
        self.assertEqual(got["product_type"], "EC-HVAC-V1")
        self.assertIn("shadow_reported", got)
        self.assertIn("shadow_desired", got)

    def test_get_unknown_is_404_not_found(self) -> None:
        with self.assertRaises(EdgeConductorError) as e:
            self.ec.devices.get(unique("PY-NONE"))
        self.assertEqual((e.exception.status, e.exception.code), (404, "NOT_FOUND"))
        self.assertTrue(e.exception.message)

    def test_get_shadow_returns_the_reported_values_after_a_push(self) -> None:
        serial = unique("PY-SHD")
        self.ec.devices.register(serial_no=serial, product_type="EC-CLIMATE-V1")
        self.ec.telemetry.push(serial, {"temp": 24.5, "hum": 60, "co2": 850, "bat": 4.1})
        shadow = eventually(lambda: self.ec.devices.get_shadow(serial), what="shadow_reported")
        self.assertEqual(shadow, {"temp": 24.5, "hum": 60, "co2": 850, "bat": 4.1})

    def test_push_config_merges_desired_state_and_checks_the_version(self) -> None:
        serial = unique("PY-CFG")
        self.ec.devices.register(serial_no=serial, product_type="EC-HVAC-V1")
        first = self.ec.devices.push_config(serial, {"relay": True, "setpoint": 22})
        self.assertEqual(first["desired"], {"relay": True, "setpoint": 22})
        version = first["version"]
        second = self.ec.devices.push_config(serial, {"setpoint": 21}, version=version)
        self.assertEqual(second["desired"], {"relay": True, "setpoint": 21})
        self.assertGreater(second["version"], version)
        with self.assertRaises(EdgeConductorError) as stale:
            self.ec.devices.patch_desired(serial, {"setpoint": 19}, version=version)
        self.assertEqual((stale.exception.status, stale.exception.code), (412, "PRECONDITION_FAILED"))
        full = self.ec.devices.shadow(serial)
        self.assertEqual(full["desired"], {"relay": True, "setpoint": 21})
        self.assertEqual(self.ec.devices.get(serial)["shadow_desired"], {"relay": True, "setpoint": 21})

    def test_reboot_queues_a_command(self) -> None:
        serial = unique("PY-RBT")
        self.ec.devices.register(serial_no=serial, product_type="EC-CLIMATE-V1")
        result = self.ec.devices.reboot(serial)
        self.assertTrue(result["ok"])
        self.assertFalse(result["delivered"])  # nobody listens on MQTT
        command = self.ec.commands.get(serial, result["command_id"])
        self.assertEqual(command["cmd"], "reboot")

    def test_assign_to_a_room_update_tags_rotate_secret_and_delete(self) -> None:
        serial = unique("PY-ASN")
        created = self.ec.devices.register(serial_no=serial, product_type="EC-CLIMATE-V1")
        room = self.ec.orgs.create_room(self.org_id, "Lab", floor="2", building="North")
        assigned = self.ec.devices.assign(serial, room_id=room["id"])
        self.assertEqual(assigned["room_id"], room["id"])
        tagged = self.ec.devices.update(serial, {"tags": ["lab", "north"]})
        self.assertEqual(sorted(tagged["tags"]), ["lab", "north"])
        rotated = self.ec.devices.rotate_secret(serial)
        self.assertNotEqual(rotated["device_secret"], created["device_secret"])
        # the new secret is the device's credential now, the old one is refused
        self.ec.telemetry.push(serial, {"temp": 1}, device_secret=rotated["device_secret"])
        deviceonly = EdgeConductor(api_key="", base_url=BASE_URL, max_retries=0)
        with self.assertRaises(EdgeConductorError) as old:
            deviceonly.telemetry.push(serial, {"temp": 2}, device_secret=created["device_secret"])
        self.assertIn(old.exception.status, (401, 403))
        deleted = self.ec.devices.delete(serial, force=True)
        self.assertEqual(deleted, {"deleted": True, "serial_no": serial})
        with self.assertRaises(EdgeConductorError) as gone:
            self.ec.devices.get(serial)
        self.assertEqual(gone.exception.status, 404)

    def test_assign_without_anything_is_refused_before_sending(self) -> None:
        with self.assertRaises(ValueError):
            self.ec.devices.assign("X")


if __name__ == "__main__":
    unittest.main()
