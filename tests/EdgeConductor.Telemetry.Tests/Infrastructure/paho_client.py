#!/usr/bin/python3
"""A small paho-mqtt (1.6.x) client the integration tests drive: connect, subscribe, publish, print what happens.

Every event is one JSON line on stdout: connack, suback, published, message, done, error.
"""
import argparse
import json
import ssl
import sys
import threading
import time

import paho.mqtt.client as mqtt


def emit(**event):
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def code(rc):
    return rc.value if hasattr(rc, "value") else int(rc)


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
    c = mqtt.Client(**kwargs)
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
    state = {"rc": None, "pending_subs": 0}

    def on_connect(client, userdata, flags, rc, properties=None):
        state["rc"] = code(rc)
        emit(event="connack", rc=code(rc))
        connected.set()

    def on_subscribe(client, userdata, mid, granted, properties=None):
        emit(event="suback", codes=[code(g) for g in granted])
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
        subscribed.wait(max(0.1, deadline - time.time()))
        emit(event="ready")
    for topic, payload in a.pub:
        info = c.publish(topic, payload, qos=a.qos)
        info.wait_for_publish(max(0.1, deadline - time.time()))
        emit(event="published", topic=topic, mid=info.mid, ok=info.is_published())
    if a.count:
        done.wait(max(0.1, deadline - time.time()))
    c.disconnect()
    c.loop_stop()
    emit(event="done", received=len(received))
    return 0


if __name__ == "__main__":
    sys.exit(main())
