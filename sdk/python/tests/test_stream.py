"""ec.telemetry.stream: live readings over server-sent events, deduplication of unchanged payloads, the polling
fallback when the server has no stream endpoint (a real forwarding proxy that answers 404 for /stream), and stop()."""
from __future__ import annotations

import queue
import threading
import unittest
import urllib.error
import urllib.request
from typing import Any, Dict, List

from _support import BASE_URL, Recorded, TestHttpServer, eventually, new_org, unique

from edgeconductor import EdgeConductor, EdgeConductorError
from edgeconductor.stream import parse_sse

WAIT = 20.0


class StreamTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.org_id, cls.ec, cls.key = new_org()

    def _device(self) -> str:
        serial = unique("PY-STR")
        self.ec.devices.register(serial_no=serial, product_type="EC-CLIMATE-V1")
        return serial

    def test_sse_delivers_a_pushed_reading_and_skips_an_unchanged_payload(self) -> None:
        serial = self._device()
        self.ec.telemetry.push(serial, {"temp": 20.0})
        eventually(lambda: self.ec.telemetry.recent(serial, 1), what="the first reading stored")
        got: "queue.Queue[Dict[str, Any]]" = queue.Queue()
        handle = self.ec.telemetry.stream(serial, got.put, interval=0.5)
        try:
            first = got.get(timeout=WAIT)  # include_latest: the current reading comes first
            self.assertEqual(first["temp"], 20.0)
            self.assertTrue(handle.connected.wait(WAIT))
            self.assertEqual(handle.mode, "sse")
            self.ec.telemetry.push(serial, {"temp": 21.5, "hum": 40})
            second = got.get(timeout=WAIT)
            self.assertEqual({k: v for k, v in second.items() if k != "ts"}, {"temp": 21.5, "hum": 40})
            self.assertIsInstance(second["ts"], str)
            # the same payload again (a new reading with equal values) must not reach the callback; the control
            # reading pushed after it must. Events arrive in commit order, so had the duplicate been passed on it
            # would come before the control reading.
            self.ec.telemetry.push(serial, {"temp": 21.5, "hum": 40})
            self.ec.telemetry.push(serial, {"temp": 22.5, "hum": 40})
            third = got.get(timeout=WAIT)
            self.assertEqual(third["temp"], 22.5)
        finally:
            handle.stop()
        self.assertFalse(handle.running)
        self.assertTrue(got.empty())

    def test_without_include_latest_the_current_reading_is_only_the_baseline(self) -> None:
        serial = self._device()
        self.ec.telemetry.push(serial, {"co2": 600})
        eventually(lambda: self.ec.telemetry.recent(serial, 1), what="the first reading stored")
        got: List[Dict[str, Any]] = []
        arrived = threading.Event()

        def on(r: Dict[str, Any]) -> None:
            got.append(r)
            arrived.set()
        with self.ec.telemetry.stream(serial, on, interval=0.5, include_latest=False) as handle:
            self.assertTrue(handle.connected.wait(WAIT))
            self.ec.telemetry.push(serial, {"co2": 600})  # equal to the baseline: not a change
            self.ec.telemetry.push(serial, {"co2": 700})  # control
            self.assertTrue(arrived.wait(WAIT))
        self.assertEqual([r["co2"] for r in got], [700])

    def test_falls_back_to_polling_when_the_server_has_no_stream(self) -> None:
        serial = self._device()
        recent_polls = []
        poll_seen = threading.Condition()

        def forward(req: Recorded) -> Any:
            if req.path.endswith("/stream"):
                return 404, {"Content-Type": "application/problem+json"}, \
                    b'{"status":404,"code":"NOT_FOUND","title":"Not Found"}'
            upstream = urllib.request.Request(BASE_URL + req.path, data=req.body or None, method=req.method,
                                              headers={k: v for k, v in req.headers.items()
                                                       if k in ("authorization", "content-type", "accept")})
            try:
                with urllib.request.urlopen(upstream, timeout=30) as r:
                    status, body, ctype = r.status, r.read(), r.headers.get("Content-Type", "")
            except urllib.error.HTTPError as e:
                status, body, ctype = e.code, e.read(), e.headers.get("Content-Type", "")
            if "/telemetry/recent" in req.path:
                with poll_seen:
                    recent_polls.append(body)
                    poll_seen.notify_all()
            return status, {"Content-Type": ctype}, body

        proxy = TestHttpServer(forward)
        try:
            client = EdgeConductor(api_key=self.key["key"], base_url=proxy.url + "/api/v1")
            got: "queue.Queue[Dict[str, Any]]" = queue.Queue()
            handle = client.telemetry.stream(serial, got.put, interval=0.1)
            try:
                self.assertTrue(handle.connected.wait(WAIT))
                self.assertEqual(handle.mode, "polling")
                self.ec.telemetry.push(serial, {"temp": 30.0})
                self.assertEqual(got.get(timeout=WAIT)["temp"], 30.0)

                # an unchanged payload: make sure a poll has seen it before pushing the control reading
                def polls() -> int:
                    with poll_seen:
                        return len(recent_polls)
                self.ec.telemetry.push(serial, {"temp": 30.0})
                dup_ts = self.ec.telemetry.recent(serial, 1)[0]["ts"]
                eventually(lambda: any(dup_ts.encode() in b for b in list(recent_polls)),
                           what="a poll that returned the duplicate reading")
                before = polls()
                eventually(lambda: polls() > before, what="one more poll")
                self.ec.telemetry.push(serial, {"temp": 31.0})
                self.assertEqual(got.get(timeout=WAIT)["temp"], 31.0)
            finally:
                handle.stop()
            self.assertTrue(got.empty())
            self.assertTrue(any(r.path.endswith("/stream") for r in proxy.all))
        finally:
            proxy.close()

    def test_stop_ends_the_thread_while_the_stream_is_idle(self) -> None:
        serial = self._device()
        handle = self.ec.telemetry.stream(serial, lambda r: None, interval=30)
        self.assertTrue(handle.connected.wait(WAIT))
        handle.stop()
        self.assertFalse(handle.running)
        handle.stop()  # idempotent

    def test_an_unknown_device_raises_before_any_thread_starts(self) -> None:
        with self.assertRaises(EdgeConductorError) as e:
            self.ec.telemetry.stream(unique("PY-NOPE"), lambda r: None)
        self.assertEqual((e.exception.status, e.exception.code), (404, "NOT_FOUND"))

    def test_parse_sse_joins_data_lines_and_skips_comments(self) -> None:
        lines = [b": ping\n", b"event: telemetry\n", b"data: {\"a\":\n", b"data: 1}\n", b"\n",
                 b"data: plain\r\n", b"\r\n"]
        self.assertEqual(list(parse_sse(iter(lines))), [("telemetry", "{\"a\":\n1}"), ("message", "plain")])


if __name__ == "__main__":
    unittest.main()
