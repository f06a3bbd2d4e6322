#!/usr/bin/python3
"""A paho-mqtt 1.6.1 MQTT 5.0 client that the broker disconnects for a protocol reason must be told why.

Usage: paho_disconnect.py PORT PAYLOAD_BYTES
Connects, publishes PAYLOAD_BYTES at QoS 1 to public/in (more than the broker's Maximum Packet Size) and prints
"DISCONNECT <reason code value> <reason string>" from on_disconnect, or "NO DISCONNECT" after 15 s.
paho reads a DISCONNECT's reason code only when its remaining length is above 2; a bare 1-byte reason shows up as
rc=7 (connection lost), which is what this script exists to catch.
"""
import sys
import threading

import paho.mqtt.client as mqtt

port = int(sys.argv[1])
size = int(sys.argv[2])
done = threading.Event()
result = {}


def on_connect(client, userdata, flags, rc, properties=None):
    client.publish("public/in", b"z" * size, qos=1)


def on_disconnect(client, userdata, rc, properties=None):
    result["rc"] = rc.value if hasattr(rc, "value") else rc
    result["reason"] = getattr(properties, "ReasonString", "") if properties is not None else ""
    done.set()


client = mqtt.Client(client_id="paho-disconnect", protocol=mqtt.MQTTv5)
client.on_connect = on_connect
client.on_disconnect = on_disconnect
client.connect("127.0.0.1", port, keepalive=30)
client.loop_start()
if done.wait(15):
    print("DISCONNECT %d %s" % (result["rc"], result["reason"]), flush=True)
else:
    print("NO DISCONNECT", flush=True)
client.loop_stop()
