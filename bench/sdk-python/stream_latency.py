"""Python SDK micro-benchmark against a running server: sequential request rate of a small call
(``ec.devices.get``) and push → callback latency of ``ec.telemetry.stream`` over SSE.

    source scripts/lib/test-server.sh && ec_test_server_start
    PYTHONPATH=sdk/python python3 bench/sdk-python/stream_latency.py [N]      # N pushes (default 200)
    ec_test_server_stop

Prints requests/s and p50/p90/p99 latency in ms. Client and server share the machine, so the figures include both.
"""
from __future__ import annotations

import os
import queue
import statistics
import sys
import time
import uuid
from typing import Any, Dict, List

from edgeconductor import EdgeConductor


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    base = os.environ["EC_TEST_BASE_URL"]
    admin = EdgeConductor.login(os.environ["EC_TEST_ADMIN_EMAIL"], os.environ["EC_TEST_ADMIN_PASSWORD"], base_url=base)
    org = admin.orgs.create("bench-" + uuid.uuid4().hex[:8], plan="enterprise")
    ec = EdgeConductor(api_key=admin.api_keys.generate(org["id"], "bench")["key"], base_url=base)
    serial = "BENCH-" + uuid.uuid4().hex[:8].upper()
    ec.devices.register(serial_no=serial, product_type="EC-CLIMATE-V1")

    start = time.perf_counter()
    for _ in range(n):
        ec.devices.get(serial)
    rate = n / (time.perf_counter() - start)

    got: "queue.Queue[Dict[str, Any]]" = queue.Queue()
    handle = ec.telemetry.stream(serial, got.put, interval=1, include_latest=False)
    handle.connected.wait(30)
    latencies: List[float] = []
    for i in range(n):
        sent = time.perf_counter()
        ec.telemetry.push(serial, {"seq": i})
        record = got.get(timeout=30)
        assert record["seq"] == i, record
        latencies.append((time.perf_counter() - sent) * 1000)
    handle.stop()
    q = statistics.quantiles(latencies, n=100)
    print(f"devices.get sequential: {rate:.0f} requests/s over {n}")
    print(f"telemetry.push -> stream callback (SSE), {n} readings: p50 {q[49]:.2f} ms, p90 {q[89]:.2f} ms, "
          f"p99 {q[98]:.2f} ms")


if __name__ == "__main__":
    main()
