#!/usr/bin/env python3
"""Creates (anew) a JetStream stream for the benchmark: usage: jetstream_stream.py URL NAME SUBJECT file|memory"""
import asyncio
import sys

import nats
from nats.js.api import StorageType, StreamConfig


async def main(url, name, subject, storage):
    connection = await nats.connect(url)
    stream = connection.jetstream()
    try:
        await stream.delete_stream(name)
    except Exception:
        pass
    kind = StorageType.FILE if storage == "file" else StorageType.MEMORY
    await stream.add_stream(StreamConfig(name=name, subjects=[subject], storage=kind, num_replicas=1))
    await connection.close()


asyncio.run(main(*sys.argv[1:5]))
