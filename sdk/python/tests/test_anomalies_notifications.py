"""ec.anomalies and ec.notifications against the real server: a battery below the 3.5 V floor raises a critical
anomaly and an in-app notification (docs/anomalies.md, seed 001)."""
from __future__ import annotations

import unittest

from _support import eventually, new_org, unique

from edgeconductor import EdgeConductorError


class AnomaliesAndNotificationsTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.org_id, cls.ec, _ = new_org()
        cls.serial = unique("PY-ANO")
        cls.ec.devices.register(serial_no=cls.serial, product_type="EC-CLIMATE-V1")
        cls.ec.telemetry.push(cls.serial, {"bat": 3.1})
        cls.anomaly = eventually(lambda: cls.ec.anomalies.list(cls.org_id), what="the battery-floor anomaly")[0]

    def test_list_get_and_acknowledge_an_anomaly(self) -> None:
        a = self.anomaly
        self.assertEqual((a["serial"], a["field"], a["severity"]), (self.serial, "bat", "critical"))
        self.assertEqual(self.ec.anomalies.get(a["id"])["id"], a["id"])
        self.assertEqual([x["id"] for x in self.ec.anomalies.list(self.org_id, unacked=True, field="bat",
                                                                   serial=self.serial, limit=10)], [a["id"]])
        acked = self.ec.anomalies.acknowledge(a["id"])
        self.assertEqual((acked["id"], acked["acknowledged"]), (a["id"], True))
        self.assertEqual(self.ec.anomalies.list(self.org_id, unacked=True), [])
        self.assertEqual(len(self.ec.anomalies.list(self.org_id, severity="critical")), 1)
        with self.assertRaises(EdgeConductorError) as e:
            self.ec.anomalies.get("01a20146-0000-7000-8000-000000000000")
        self.assertEqual(e.exception.status, 404)

    def test_notifications_list_unread_count_mark_read_and_mark_all_read(self) -> None:
        notes = eventually(lambda: self.ec.notifications.list(self.org_id, unread=True),
                           what="the anomaly notification")
        self.assertIn("anomaly", {n["kind"] for n in notes})
        # a second notification: firmware uploads notify the org
        self.ec.firmware.upload(self.org_id, b"\x01" * 64, version="9.9.9", product_type="EC-NOTE-V1")
        eventually(lambda: self.ec.notifications.unread_count(self.org_id) >= 2, what="two unread notifications")
        first = self.ec.notifications.list(self.org_id, unread=True)[0]
        read = self.ec.notifications.mark_read(first["id"])
        self.assertEqual(read["id"], first["id"])
        self.assertNotIn(first["id"], [n["id"] for n in self.ec.notifications.list(self.org_id, unread=True)])
        left = self.ec.notifications.unread_count(self.org_id)
        self.assertGreaterEqual(left, 1)
        self.assertEqual(self.ec.notifications.mark_all_read(self.org_id)["updated"], left)
        self.assertEqual(self.ec.notifications.unread_count(self.org_id), 0)
        self.assertEqual(self.ec.notifications.list(self.org_id, unread=True), [])
        self.assertGreaterEqual(len(self.ec.notifications.list(self.org_id, limit=50)), 2)


if __name__ == "__main__":
    unittest.main()
