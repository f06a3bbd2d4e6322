#!/usr/bin/python3
"""Interop check with paho-mqtt 1.6.1 against the EdgeConductor broker.

Usage: paho_client.py PORT v311|v5
Exercises: QoS 0/1/2 publish+subscribe round trip, retained message, will on abrupt disconnect,
(v5) user properties. Prints OK and exits 0 on success, prints the failure and exits 1 otherwise.
"""
import socket
import sys
import threading
import time

import paho.mqtt.client as mqtt
from paho.mqtt.properties import Properties
from paho.mqtt.packettypes import PacketTypes

port = int(sys.argv[1])
version = sys.argv[2]
proto = mqtt.MQTTv5 if version == "v5" else mqtt.MQTTv311
prefix = "paho-" + version

received = []
cond = threading.Condition()


def fail(message):
    print("FAIL: " + message, flush=True)
    sys.exit(1)


def on_message(client, userdata, msg):
    with cond:
        received.append(msg)
        cond.notify_all()


def wait_for(predicate, timeout=10.0):
    deadline = time.time() + timeout
    with cond:
        while not predicate():
            remaining = deadline - time.time()
            if remaining <= 0:
                return False
            cond.wait(remaining)
    return True


def make_client(client_id):
    if proto == mqtt.MQTTv5:
        return mqtt.Client(client_id=client_id, protocol=proto)
    return mqtt.Client(client_id=client_id, protocol=proto, clean_session=True)


def connect(client):
    connected = threading.Event()
    result = {}

    def on_connect(c, userdata, flags, rc, properties=None):
        result["rc"] = rc
        connected.set()

    client.on_connect = on_connect
    client.connect("127.0.0.1", port, keepalive=30)
    client.loop_start()
    if not connected.wait(10):
        fail("no CONNACK")
    rc = result["rc"]
    if (rc.value if hasattr(rc, "value") else rc) != 0:
        fail("connect refused: %s" % rc)


sub = make_client(prefix + "-sub")
sub.on_message = on_message
connect(sub)
sub_done = threading.Event()
sub.on_subscribe = lambda *args: sub_done.set()
sub.subscribe([(prefix + "/#", 2)])
if not sub_done.wait(10):
    fail("no SUBACK")

pub = make_client(prefix + "-pub")
connect(pub)
for qos in (0, 1, 2):
    props = None
    if proto == mqtt.MQTTv5:
        props = Properties(PacketTypes.PUBLISH)
        props.UserProperty = ("qos", str(qos))
    info = pub.publish(prefix + "/q%d" % qos, "payload-%d" % qos, qos=qos, properties=props)
    info.wait_for_publish(10)
    if not info.is_published():
        fail("publish qos %d not acknowledged" % qos)

if not wait_for(lambda: len(received) >= 3):
    fail("expected 3 messages, got %d" % len(received))
by_topic = {m.topic: m for m in received}
for qos in (0, 1, 2):
    m = by_topic.get(prefix + "/q%d" % qos)
    if m is None or m.payload != ("payload-%d" % qos).encode() or m.qos != qos:
        fail("bad delivery for qos %d: %r" % (qos, m and (m.payload, m.qos)))
    if proto == mqtt.MQTTv5:
        ups = getattr(m.properties, "UserProperty", None)
        if not ups or ("qos", str(qos)) not in ups:
            fail("user property lost for qos %d: %r" % (qos, ups))

# Retained message seen by a later subscriber.
info = pub.publish(prefix + "-retained/x", "kept", qos=1, retain=True)
info.wait_for_publish(10)
late = make_client(prefix + "-late")
late_msgs = []
late.on_message = lambda c, u, m: late_msgs.append(m)
connect(late)
late.subscribe(prefix + "-retained/#", 1)
deadline = time.time() + 10
while not late_msgs and time.time() < deadline:
    time.sleep(0.02)
if not late_msgs or late_msgs[0].payload != b"kept" or not late_msgs[0].retain:
    fail("retained message not delivered with retain flag")

# Will on abrupt disconnect.
received.clear()
dying = make_client(prefix + "-dying")
dying.will_set(prefix + "/will", "gone", qos=1, retain=False)
connect(dying)
dying.loop_stop()
dying.socket().shutdown(socket.SHUT_RDWR)
dying.socket().close()
if not wait_for(lambda: any(m.topic == prefix + "/will" for m in received)):
    fail("will message not published")

pub.disconnect()
sub.disconnect()
late.disconnect()
print("OK", flush=True)
