#!/usr/bin/env python3
"""Subscriber ceiling for bench/mqtt/fanin.sh: a fake MQTT 3.1.1 'broker' that answers CONNECT and SUBSCRIBE, then writes
N pre-encoded PUBLISH packets (the same payloads fanin.sh publishes) as fast as the socket takes them. What one
mosquitto_sub reads per second from it is the most any broker can deliver to that subscriber on this machine.
Usage: ceiling.py PORT TOTAL QOS PAYLOAD_FILE...   (serves one subscriber, then exits)"""
import socket, sys, threading

port, total, qos = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
lines = []
for path in sys.argv[4:]:
    with open(path, 'rb') as f:
        lines.append([l.rstrip(b'\n') for l in f])

def varint(n):
    out = bytearray()
    while True:
        b = n % 128
        n //= 128
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)

def publish(topic, payload, pid):
    t = topic.encode()
    body = len(t).to_bytes(2, 'big') + t + (pid.to_bytes(2, 'big') if qos else b'') + payload
    return bytes([0x30 | (qos << 1)]) + varint(len(body)) + body

# Interleave the publishers' messages as a broker would (round robin), pre-encoded before the subscriber connects.
chunks, pid, sent = [], 0, 0
per = total // len(lines)
for i in range(per):
    for p, msgs in enumerate(lines):
        pid = pid % 65535 + 1
        chunks.append(publish(f"bench/p{p + 1}", msgs[i], pid))
blob = b''.join(chunks)

def read_packet(conn):
    head = conn.recv(1)
    if not head:
        return None
    mult, length = 1, 0
    while True:
        b = conn.recv(1)[0]
        length += (b & 127) * mult
        mult *= 128
        if not b & 128:
            break
    body = b''
    while len(body) < length:
        body += conn.recv(length - len(body))
    return head[0], body

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('127.0.0.1', port))
srv.listen(1)
print('ready', flush=True)
conn, _ = srv.accept()
conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
read_packet(conn)                                   # CONNECT
conn.sendall(b'\x20\x02\x00\x00')                   # CONNACK accepted
kind, body = read_packet(conn)                      # SUBSCRIBE
conn.sendall(b'\x90\x03' + body[:2] + bytes([qos]))  # SUBACK
# Drain what the subscriber sends (PUBACKs at QoS 1) so it never blocks on us.
threading.Thread(target=lambda: [None for _ in iter(lambda: conn.recv(65536), b'')], daemon=True).start()
conn.sendall(blob)
try:
    conn.shutdown(socket.SHUT_WR)
except OSError:
    pass
threading.Event().wait(2)
