#!/usr/bin/env python3
"""The JetStream anchor of the benchmark: PRODUCERS connections, each keeping IN_FLIGHT publishes
waiting for their stream ACK (the PubAck comes after the message is stored, with sync_interval:
always after its fsync), 512-byte messages, for SECONDS. The producers are spread over several
processes so that one Python interpreter is not the limit; run it against a memory stream to see
the client's own ceiling.

usage: jetstream_publish.py URL SUBJECT PRODUCERS IN_FLIGHT SECONDS [PROCESSES]
prints: acknowledged publishes per second
"""
import asyncio
import multiprocessing
import sys
import time

import nats


async def producers(url, subject, count, in_flight, start, seconds):
    connections = [await nats.connect(url) for _ in range(count)]
    payload = b"x" * 512
    done = 0
    deadline = start + seconds

    async def lane(connection):
        nonlocal done
        # Publishing from the connection on (a warm-up); counted are the PubAcks inside the window.
        while time.time() < deadline:
            # A JetStream publish is a request whose reply is the stream's PubAck (or an error).
            reply = await connection.request(subject, payload, timeout=120)
            if b'"error"' in reply.data:
                raise RuntimeError(reply.data.decode())
            if start <= time.time() <= deadline:
                done += 1

    await asyncio.gather(*[lane(c) for c in connections for _ in range(in_flight)])
    for connection in connections:
        await connection.close()
    return done


def run(args):
    url, subject, count, in_flight, start, seconds = args
    return asyncio.run(producers(url, subject, count, in_flight, start, seconds))


def main():
    url, subject = sys.argv[1], sys.argv[2]
    count, in_flight, seconds = int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
    processes = min(count, int(sys.argv[6]) if len(sys.argv) > 6 else 4)
    shares = [count // processes + (1 if i < count % processes else 0) for i in range(processes)]
    # Every process connects and warms up first; all count the same window.
    start = time.time() + 2.0 + 0.05 * count
    with multiprocessing.Pool(processes) as pool:
        done = pool.map(run, [(url, subject, share, in_flight, start, seconds) for share in shares])
    print(f"{sum(done) / seconds:.0f}")


if __name__ == "__main__":
    main()
