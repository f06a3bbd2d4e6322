"""Errors and retries, against a real http.server scripted by the test (429 + Retry-After then 200, 503, dates,
bounds) and the real server (problem+json errors, 401)."""
from __future__ import annotations

import email.utils
import json
import socket
import time
import unittest
from typing import Dict, List, Tuple

from _support import BASE_URL, Recorded, TestHttpServer

from edgeconductor import EdgeConductor, EdgeConductorConnectionError, EdgeConductorError, RetryInfo

Answer = Tuple[int, Dict[str, str], bytes]
PROBLEM = {"Content-Type": "application/problem+json"}


def scripted(answers: List[Answer]) -> TestHttpServer:
    """A server answering ``answers`` in order (the last one repeated)."""
    def handle(_: Recorded) -> Answer:
        return answers.pop(0) if len(answers) > 1 else answers[0]
    return TestHttpServer(handle)


def rate_limited(retry_after: str) -> Answer:
    return 429, dict(PROBLEM, **{"Retry-After": retry_after}), json.dumps(
        {"status": 429, "title": "Too Many Requests", "detail": "Rate limit of 100 requests/minute exceeded.",
         "code": "RATE_LIMITED"}).encode()


OK_LIST: Answer = (200, {"Content-Type": "application/json"}, b'[{"id":"1","name":"Acme"}]')


class RetryTests(unittest.TestCase):
    def test_429_with_retry_after_is_retried_after_that_many_seconds(self) -> None:
        server = scripted([rate_limited("1"), OK_LIST])
        retries: List[RetryInfo] = []
        try:
            ec = EdgeConductor(api_key="k", base_url=server.url, on_retry=retries.append)
            started = time.monotonic()
            self.assertEqual(ec.orgs.list(), [{"id": "1", "name": "Acme"}])
            waited = time.monotonic() - started
        finally:
            server.close()
        self.assertEqual(len(server.all), 2)
        self.assertEqual([(r.status, r.attempt, r.delay) for r in retries], [(429, 1, 1.0)])
        self.assertGreaterEqual(waited, 1.0)  # it really waited the Retry-After (a lower bound, not a timing claim)
        self.assertEqual(server.all[0].headers["authorization"], "Bearer k")

    def test_429_on_a_post_is_retried_too_and_an_http_date_retry_after_is_understood(self) -> None:
        when = email.utils.formatdate(time.time() + 30, usegmt=True)
        server = scripted([rate_limited(when), (201, {"Content-Type": "application/json"}, b'{"id":"o"}')])
        delays: List[float] = []
        try:
            ec = EdgeConductor(api_key="k", base_url=server.url, sleep=delays.append)
            self.assertEqual(ec.orgs.create("Acme"), {"id": "o"})
        finally:
            server.close()
        self.assertEqual([r.method for r in server.all], ["POST", "POST"])
        self.assertEqual(len(delays), 1)
        self.assertTrue(25 <= delays[0] <= 30, delays)

    def test_retries_are_bounded_in_number_and_in_delay(self) -> None:
        server = scripted([rate_limited("3600")])
        delays: List[float] = []
        try:
            ec = EdgeConductor(api_key="k", base_url=server.url, max_retries=2, max_retry_delay=5, sleep=delays.append)
            with self.assertRaises(EdgeConductorError) as e:
                ec.devices.list()
        finally:
            server.close()
        self.assertEqual(len(server.all), 3)  # the first try and 2 retries
        self.assertEqual(delays, [5, 5])
        self.assertEqual((e.exception.status, e.exception.code, e.exception.retry_after), (429, "RATE_LIMITED", 3600))
        self.assertEqual(e.exception.message, "Rate limit of 100 requests/minute exceeded.")

    def test_503_is_retried_for_reads_with_backoff_but_not_for_a_post(self) -> None:
        unavailable: Answer = (503, PROBLEM, b'{"status":503,"code":"SERVICE_UNAVAILABLE","title":"Unavailable"}')
        server = scripted([unavailable, unavailable, OK_LIST])
        delays: List[float] = []
        try:
            ec = EdgeConductor(api_key="k", base_url=server.url, retry_base_delay=0.25, sleep=delays.append)
            self.assertEqual(len(ec.orgs.list()), 1)
            self.assertEqual(delays, [0.25, 0.5])  # no Retry-After: exponential backoff
            post = scripted([unavailable, OK_LIST])
            try:
                ec2 = EdgeConductor(api_key="k", base_url=post.url, sleep=delays.append)
                with self.assertRaises(EdgeConductorError) as e:
                    ec2.telemetry.push("S-1", {"temp": 1})
                self.assertEqual((e.exception.status, e.exception.code), (503, "SERVICE_UNAVAILABLE"))
                self.assertEqual(len(post.all), 1)
            finally:
                post.close()
        finally:
            server.close()

    def test_max_retries_zero_raises_at_once(self) -> None:
        server = scripted([rate_limited("1"), OK_LIST])
        try:
            with self.assertRaises(EdgeConductorError):
                EdgeConductor(api_key="k", base_url=server.url, max_retries=0).orgs.list()
        finally:
            server.close()
        self.assertEqual(len(server.all), 1)


class ErrorTests(unittest.TestCase):
    def test_problem_json_members_become_attributes(self) -> None:
        ec = EdgeConductor(api_key="", base_url=BASE_URL)
        with self.assertRaises(EdgeConductorError) as e:
            ec.devices.list()
        err = e.exception
        self.assertEqual((err.status, err.code), (401, "UNAUTHORIZED"))
        self.assertEqual((err.method, err.path), ("GET", "devices"))
        self.assertIn("HTTP 401 UNAUTHORIZED", str(err))

    def test_a_non_json_error_body_becomes_the_message(self) -> None:
        server = scripted([(502, {"Content-Type": "text/html"}, b"<h1>Bad gateway</h1>")])
        try:
            with self.assertRaises(EdgeConductorError) as e:
                EdgeConductor(api_key="k", base_url=server.url).orgs.get("x")
        finally:
            server.close()
        self.assertEqual((e.exception.status, e.exception.code, e.exception.message), (502, None, "<h1>Bad gateway</h1>"))

    def test_an_unreachable_server_is_a_connection_error(self) -> None:
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()  # nothing listens there now
        with self.assertRaises(EdgeConductorConnectionError) as e:
            EdgeConductor(api_key="k", base_url=f"http://127.0.0.1:{port}").orgs.list()
        self.assertEqual((e.exception.status, e.exception.code), (0, "CONNECTION_ERROR"))

    def test_base_url_is_normalized_and_validated(self) -> None:
        self.assertEqual(EdgeConductor(base_url="http://h:8080").base_url, "http://h:8080/api/v1")
        self.assertEqual(EdgeConductor(base_url="http://h:8080/api/v1/").base_url, "http://h:8080/api/v1")
        with self.assertRaises(ValueError):
            EdgeConductor(base_url="h:8080")
        with self.assertRaises(ValueError):
            EdgeConductor(base_url="http://h").devices.get("")


if __name__ == "__main__":
    unittest.main()
