#!/usr/bin/env python3
"""A minimal AEO Hub node in Python, written from Protocols/SPEC.md alone.

Needs pyzmq and protobuf 4.21 (pip install pyzmq 'protobuf==4.21.12'); the message classes are the
protoc output committed in Protocols/python.

    python_node.py --endpoint tcp://127.0.0.1:5570 --hub-key=HUBKEY --node huli --secret huli.secret \
                   [--report TEXT] [--expect N] [--view KIND]

Opens a session (HELLO/WELCOME), submits one progress report and waits for ACCEPTED, then handles
N deliveries (DELIVER, then ACK), answering heartbeats; with --view, reads one view of the hub's
state page by page (VIEW_REQUEST/VIEW, protocol 1.1), and closes (CLOSE).
"""
import argparse
import os
import sys
import time
import uuid

import zmq

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))
from aeohub.v1 import envelope_pb2, reports_pb2, views_pb2, wire_pb2  # noqa: E402

# A 1.2 node: it neither replays nor needs 1.3's inline envelopes, and the hub accepts older minors.
SIGNATURE = b"AEOH\x01\x02"
HELLO, WELCOME, SUBMIT, ACCEPTED, REJECTED, DELIVER, ACK, HEARTBEAT = 1, 2, 3, 4, 5, 6, 7, 8
ERROR, CLOSE, VIEW_REQUEST, VIEW = 0x0C, 0x0D, 0x0E, 0x0F
# The repeated field of View that holds each kind's rows.
ROWS = {"requests": "requests", "cultivation": "cultivation", "cases": "cases", "audits": "audits",
        "meetings": "meetings", "actions": "actions", "credit_changes": "credit_changes", "reports": "reports"}


def send(socket, code, body=None):
    frames = [SIGNATURE, bytes([code])]
    if body is not None:
        frames.append(body.SerializeToString())
    socket.send_multipart(frames)


def receive(socket, timeout_ms):
    if not socket.poll(timeout_ms):
        return None, None
    frames = socket.recv_multipart()
    if len(frames) < 2 or frames[0][:4] != b"AEOH" or frames[0][4] != 1:
        raise SystemExit(f"not an AEO Hub v1 message: {frames[:2]}")
    return frames[1][0], frames[2:]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--hub-key", required=True, help="the hub's public key (Z85; write --hub-key=KEY, as a key may start with -)")
    parser.add_argument("--node", required=True)
    parser.add_argument("--secret", required=True, help="the node's secret key file (Z85)")
    parser.add_argument("--report", default="Reported from a Python node.")
    parser.add_argument("--expect", type=int, default=0, help="deliveries to handle before closing")
    parser.add_argument("--view", choices=sorted(ROWS), help="a view to read at the end, e.g. requests")
    args = parser.parse_args()

    secret = open(args.secret).read().strip().encode()
    context = zmq.Context()
    socket = context.socket(zmq.DEALER)
    socket.setsockopt(zmq.LINGER, 0)
    socket.curve_secretkey = secret
    socket.curve_publickey = zmq.curve_public(secret)
    socket.curve_serverkey = args.hub_key.encode()
    socket.connect(args.endpoint)

    send(socket, HELLO, wire_pb2.Hello(protocol_major=1, protocol_minor=2, node_id=args.node, software="python-example"))
    code, body = receive(socket, 10000)
    if code != WELCOME:
        raise SystemExit(f"no WELCOME (got {code})")
    welcome = wire_pb2.Welcome.FromString(body[0])
    print(f"WELCOME {welcome.node_id} role={welcome.role} head={welcome.head_sequence} window={welcome.credit_window}", flush=True)

    envelope = envelope_pb2.Envelope(message_id=str(uuid.uuid4()), sent_at_ms=int(time.time() * 1000))
    envelope.progress_report.CopyFrom(reports_pb2.ProgressReport(period="2026-09/2026-10", text=args.report))
    send(socket, SUBMIT, envelope)

    handled = 0
    accepted = False
    deadline = time.time() + 30
    while (not accepted or handled < args.expect) and time.time() < deadline:
        code, body = receive(socket, 1000)
        if code is None:
            send(socket, HEARTBEAT)
        elif code == ACCEPTED:
            answer = wire_pb2.Accepted.FromString(body[0])
            print(f"ACCEPTED {answer.message_id} sequence={answer.sequence} duplicate={answer.duplicate}", flush=True)
            accepted = True
        elif code == REJECTED:
            answer = wire_pb2.Rejected.FromString(body[0])
            raise SystemExit(f"REJECTED {wire_pb2.ErrorCode.Name(answer.code)}: {answer.reason}")
        elif code == DELIVER:
            delivered = envelope_pb2.Envelope.FromString(body[0])
            print(f"DELIVER #{delivered.sequence} {delivered.WhichOneof('payload')} from {delivered.sender}", flush=True)
            send(socket, ACK, wire_pb2.Ack(sequence=delivered.sequence))
            handled += 1
        elif code == ERROR:
            error = wire_pb2.ProtocolError.FromString(body[0])
            raise SystemExit(f"ERROR {wire_pb2.ErrorCode.Name(error.code)}: {error.reason}")
    if args.view and accepted and handled >= args.expect:
        read_view(socket, args.view)
    send(socket, CLOSE, wire_pb2.Close(reason="done"))
    socket.close()
    context.term()
    if not accepted or handled < args.expect:
        raise SystemExit("timed out")


def read_view(socket, kind):
    """Asks for every page of one view (SPEC.md 4.7) and prints its rows."""
    after, rows, page = "", [], 0
    while True:
        page += 1
        request_id = str(uuid.uuid4())
        send(socket, VIEW_REQUEST, views_pb2.ViewRequest(
            request_id=request_id, kind=views_pb2.ViewKind.Value("VIEW_KIND_" + kind.upper()), page_size=2,
            after_key=after))
        while True:
            code, body = receive(socket, 10000)
            if code is None:
                raise SystemExit("no VIEW in time")
            if code == DELIVER:  # deliveries may still arrive; acknowledge them
                delivered = envelope_pb2.Envelope.FromString(body[0])
                send(socket, ACK, wire_pb2.Ack(sequence=delivered.sequence))
            elif code == VIEW:
                view = views_pb2.View.FromString(body[0])
                if view.request_id == request_id:
                    break
        if view.code:
            raise SystemExit(f"VIEW refused {wire_pb2.ErrorCode.Name(view.code)}: {view.reason}")
        rows.extend(getattr(view, ROWS[kind]))
        if not view.next_key:
            break
        after = view.next_key
    print(f"VIEW {kind} rows={len(rows)} total={view.total} pages={page} as_of={view.as_of_sequence}", flush=True)
    for row in rows:
        print(f"  {row}".replace("\n", " "), flush=True)


if __name__ == "__main__":
    main()
