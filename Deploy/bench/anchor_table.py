#!/usr/bin/env python3
"""Reads the RESULT lines of Deploy/bench-anchors.sh and prints each hub figure with its ratio to
each anchor, as a Markdown table (the README's benchmark section).

RESULT hub-sqlite|hub-postgresql LOAD RATE THREAD_US PROCESS_US WIRE_US
RESULT pgbench|jetstream|jetstream-memory LOAD RATE
"""
import sys


def main(path):
    figures = {}
    for line in open(path):
        parts = line.split()
        if len(parts) >= 4 and parts[0] == "RESULT":
            figures[(parts[1], parts[2])] = parts[3:]
    loads = []
    for (_, load) in figures:
        if load not in loads:
            loads.append(load)
    loads.sort(key=lambda load: tuple(int(n) for n in load.split("x")))

    def rate(system, load):
        values = figures.get((system, load))
        try:
            return float(values[0]) if values else None
        except ValueError:
            return None

    def number(value):
        return "-" if value is None else f"{value:,.0f}"

    def ratio(value, anchor):
        return "-" if value is None or not anchor else f"{value / anchor:.2f}x"

    print("| producers x in flight | hub on SQLite, msg/s | hub CPU per message (hub thread / wire thread / process) "
          "| ratio to PostgreSQL | ratio to JetStream | hub on PostgreSQL, msg/s | its ratio to PostgreSQL "
          "| pgbench, tx/s | JetStream, msg/s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for load in loads:
        sqlite, postgres = rate("hub-sqlite", load), rate("hub-postgresql", load)
        pgbench, jetstream = rate("pgbench", load), rate("jetstream", load)
        cpu = figures.get(("hub-sqlite", load))
        wire = cpu[3] if cpu and len(cpu) >= 4 else "-"
        cpu_text = f"{cpu[1]} / {wire} / {cpu[2]} µs" if cpu and len(cpu) >= 3 else "-"
        print(f"| {load} | {number(sqlite)} | {cpu_text} | {ratio(sqlite, pgbench)} | {ratio(sqlite, jetstream)} "
              f"| {number(postgres)} | {ratio(postgres, pgbench)} | {number(pgbench)} | {number(jetstream)} |")
    for (system, load), values in figures.items():
        if system == "jetstream-memory":
            print(f"\nJetStream publishers' ceiling (memory stream, {load}): {float(values[0]):,.0f} msg/s")


main(sys.argv[1])
