#!/usr/bin/python3
"""A small paho-mqtt (1.6.x) client the integration tests drive: connect, subscribe, publish, print what happens.

Every event is one JSON line on stdout: connack, suback, ready, published, message, done, error.

It fails loudly, never reporting success it did not see: "ready" is printed only after every SUBACK arrived and granted
its subscription, "published" only after the PUBACK (QoS 1) or PUBCOMP (QoS 2) arrived with a success code. Otherwise it
prints an "error" event saying what was missing and exits non-zero:
  5  a SUBACK did not arrive in time          6  a SUBACK refused a subscription (code >= 0x80)
  7  a PUBACK/PUBCOMP did not arrive in time  8  a PUBACK/PUBREC/PUBCOMP carried a failure code (>= 0x80)
  9  fewer than --count messages arrived before --timeout
(2: connect failed, 3: no CONNACK, 4: CONNACK refused.)
"""
import argparse
import json
import ssl
import struct
import sys
import threading
import time

import paho.mqtt.client as mqtt


def emit(**event):
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def code(rc):
    return rc.value if hasattr(rc, "value") else int(rc)


class AckCodeClient(mqtt.Client):
    """paho-mqtt 1.6 parses the MQTT 5 reason code of PUBACK, PUBREC and PUBCOMP but drops it (on_publish has no code),
    so a refused publish looked published. This keeps the code of each acknowledgement, by packet id."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ack_codes = {}

    def _record_ack(self, kind):
        packet = self._in_packet["packet"]
        if len(packet) >= 2:
            mid, = struct.unpack("!H", packet[:2])
            rc = packet[2] if self._protocol == mqtt.MQTTv5 and self._in_packet["remaining_length"] > 2 else 0
            self.ack_codes.setdefault(mid, []).append((kind, rc))

    def _handle_pubackcomp(self, cmd):
        self._record_ack(cmd)
        return super()._handle_pubackcomp(cmd)

    def _handle_pubrec(self):
        self._record_ack("PUBREC")
        return super()._handle_pubrec()


def fail(client, status, message, received):
    emit(event="error", message=message)
    try:
        client.disconnect()
    finally:
        client.loop_stop()
    emit(event="done", received=len(received))
    return status


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--protocol", choices=["311", "5"], default="311")
    p.add_argument("--transport", choices=["tcp", "websockets"], default="tcp")
    p.add_argument("--ws-path", default="/mqtt")
    p.add_argument("--cafile")
    p.add_argument("--insecure", action="store_true")
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--client-id", default="")
    p.add_argument("--sub", action="append", default=[])
    p.add_argument("--pub", nargs=2, action="append", default=[], metavar=("TOPIC", "PAYLOAD"))
    p.add_argument("--qos", type=int, default=1)
    p.add_argument("--count", type=int, default=0, help="messages to receive before exiting")
    p.add_argument("--timeout", type=float, default=10)
    a = p.parse_args()

    proto = mqtt.MQTTv5 if a.protocol == "5" else mqtt.MQTTv311
    kwargs = {"client_id": a.client_id, "protocol": proto, "transport": a.transport}
    if proto == mqtt.MQTTv311:
        kwargs["clean_session"] = True
    c = AckCodeClient(**kwargs)
    if a.transport == "websockets":
        c.ws_set_options(path=a.ws_path)
    if a.cafile:
        c.tls_set(ca_certs=a.cafile, cert_reqs=ssl.CERT_REQUIRED)
        if a.insecure:
            c.tls_insecure_set(True)
    if a.user is not None or a.password is not None:
        c.username_pw_set(a.user, a.password)

    connected = threading.Event()
    subscribed = threading.Event()
    received = []
    done = threading.Event()
    disconnected = threading.Event()
    state = {"rc": None, "pending_subs": 0, "granted": []}

    def on_connect(client, userdata, flags, rc, properties=None):
        state["rc"] = code(rc)
        emit(event="connack", rc=code(rc))
        connected.set()

    def on_subscribe(client, userdata, mid, granted, properties=None):
        codes = [code(g) for g in granted]
        state["granted"].extend(codes)
        emit(event="suback", codes=codes)
        state["pending_subs"] -= 1
        if state["pending_subs"] <= 0:
            subscribed.set()

    def on_message(client, userdata, msg):
        received.append(msg)
        emit(event="message", topic=msg.topic, payload=msg.payload.decode("utf-8", "replace"), qos=msg.qos, retain=bool(msg.retain))
        if a.count and len(received) >= a.count:
            done.set()

    def on_disconnect(client, userdata, rc, properties=None):
        emit(event="disconnected", rc=code(rc))
        disconnected.set()
        connected.set()
        done.set()

    c.on_connect = on_connect
    c.on_subscribe = on_subscribe
    c.on_message = on_message
    c.on_disconnect = on_disconnect

    deadline = time.time() + a.timeout
    try:
        c.connect(a.host, a.port, keepalive=30)
    except Exception as ex:  # noqa: BLE001 - report any connect failure to the test
        emit(event="error", message=repr(ex))
        return 2
    c.loop_start()
    if not connected.wait(max(0.1, deadline - time.time())) or state["rc"] != 0:
        c.loop_stop()
        emit(event="done", received=len(received))
        return 3 if state["rc"] is None else 4
    if a.sub:
        state["pending_subs"] = len(a.sub)
        for t in a.sub:
            c.subscribe(t, qos=a.qos)
        if not subscribed.wait(max(0.1, deadline - time.time())):
            return fail(c, 5, f"no SUBACK within {a.timeout}s for {a.sub}", received)
        refused = [g for g in state["granted"] if g >= 0x80]
        if refused:
            return fail(c, 6, f"SUBACK refused: codes {state['granted']} for {a.sub}", received)
        emit(event="ready")
    for topic, payload in a.pub:
        info = c.publish(topic, payload, qos=a.qos)
        try:
            # Until acknowledged, the deadline, or the connection closing (paho would keep the message for a reconnect;
            # a closed connection without the acknowledgement is the answer, so do not sit out the timeout).
            while not info.is_published() and not disconnected.is_set() and time.time() < deadline:
                info.wait_for_publish(0.05)
        except (RuntimeError, ValueError) as ex:  # paho raises when the message could not be sent (connection gone)
            return fail(c, 7, f"the publish to {topic} was not sent: {ex}", received)
        failed = [(kind, rc) for kind, rc in c.ack_codes.get(info.mid, []) if rc >= 0x80]
        if failed:
            return fail(c, 8, f"publish to {topic} refused: {failed}", received)
        if not info.is_published():
            what = "PUBACK" if a.qos == 1 else "PUBCOMP" if a.qos == 2 else "the send"
            why = "the connection closed first" if disconnected.is_set() else f"not within {a.timeout}s"
            return fail(c, 7, f"no {what} for the publish to {topic}: {why}", received)
        emit(event="published", topic=topic, mid=info.mid, ok=True)
    if a.count:
        done.wait(max(0.1, deadline - time.time()))
        if len(received) < a.count:
            return fail(c, 9, f"received {len(received)} of {a.count} messages within {a.timeout}s", received)
    c.disconnect()
    c.loop_stop()
    emit(event="done", received=len(received))
    return 0


if __name__ == "__main__":
    sys.exit(main())
