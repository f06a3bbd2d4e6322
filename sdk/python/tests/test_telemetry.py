"""ec.telemetry push/history/recent/latest/aggregate against the real server."""
from __future__ import annotations

import datetime
import unittest

from _support import eventually, new_org, unique

from edgeconductor import EdgeConductorError


def _iso(dt: datetime.datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


class TelemetryTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.org_id, cls.ec, _ = new_org()

    def _device(self) -> str:
        serial = unique("PY-TEL")
        self.ec.devices.register(serial_no=serial, product_type="EC-CLIMATE-V1")
        return serial

    def test_push_one_reading_then_a_buffered_batch_and_read_them_back_in_order(self) -> None:
        serial = self._device()
        now = datetime.datetime.now(datetime.timezone.utc)
        one = self.ec.telemetry.push(serial, {"temp": 20.0, "ts": _iso(now - datetime.timedelta(minutes=10))})
        self.assertTrue(one["ok"])
        batch = self.ec.telemetry.push(serial, [
            {"temp": 21.0, "ts": _iso(now - datetime.timedelta(minutes=9))},
            {"temp": 22.0, "ts": _iso(now - datetime.timedelta(minutes=8))},
            {"temp": 23.0, "ts": _iso(now - datetime.timedelta(minutes=7))},
        ])
        self.assertEqual(batch["readings"], 3)
        def four() -> object:
            records = self.ec.telemetry.history(serial, hours=1)
            return records if len(records) == 4 else None
        history = eventually(four, what="4 records")
        self.assertEqual([r["temp"] for r in history], [20.0, 21.0, 22.0, 23.0])  # oldest first
        recent = self.ec.telemetry.recent(serial, 2)
        self.assertEqual([r["temp"] for r in recent], [23.0, 22.0])  # newest first, limited
        limited = self.ec.telemetry.history(serial, hours=1, limit=2)
        self.assertEqual([r["temp"] for r in limited], [22.0, 23.0])  # the newest 2, still oldest first

    def test_latest_and_aggregate(self) -> None:
        serial = self._device()
        self.ec.telemetry.push(serial, {"temp": 10, "hum": 50})
        self.ec.telemetry.push(serial, {"temp": 30})
        latest = eventually(lambda: self.ec.telemetry.latest(serial)
                            if self.ec.telemetry.latest(serial)["metrics"].get("temp", {}).get("value") == 30
                            else None, what="latest temp 30")
        self.assertEqual(latest["metrics"]["hum"]["value"], 50)

        def buckets() -> object:
            b = self.ec.telemetry.aggregate(serial, "temp", interval="1d")
            return b if b and sum(x["count"] for x in b) == 2 else None
        agg = eventually(buckets, what="the aggregate of 2 readings")
        self.assertEqual(agg[-1]["min"], 10)
        self.assertEqual(agg[-1]["max"], 30)
        self.assertEqual(agg[-1]["avg"], 20)

    def test_push_with_the_device_secret_and_bad_values(self) -> None:
        serial = unique("PY-TELS")
        secret = self.ec.devices.register(serial_no=serial, product_type="EC-CLIMATE-V1")["device_secret"]
        self.assertTrue(self.ec.telemetry.push(serial, {"co2": 640}, device_secret=secret)["ok"])
        with self.assertRaises(EdgeConductorError) as bad:
            self.ec.telemetry.push(serial, {"note": "x" * 9000})  # a single reading is at most 8 KB
        self.assertEqual((bad.exception.status, bad.exception.code), (400, "BAD_REQUEST"))
        with self.assertRaises(ValueError):
            self.ec.telemetry.history(serial, hours=169)
        with self.assertRaises(ValueError):
            self.ec.telemetry.recent(serial, 0)
        with self.assertRaises(ValueError):  # JSON has no NaN: refused before sending
            self.ec.telemetry.push(serial, {"temp": float("nan")})


if __name__ == "__main__":
    unittest.main()
