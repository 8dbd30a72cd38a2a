"""One client over many servers (issue 12): three loopback nodes against one.

Each node (:mod:`bench.latency_server`, its own process, pinned to the server CPU) answers
one inference at a time after ``LATENCY`` seconds, so one node serves at most
``1 / LATENCY`` images/s whatever the client's concurrency, and three serve three times
that. Every round measures, at each of ``CONCURRENCIES`` (``max_concurrent_requests``, one
image per request), over the same ``SIZED_IMAGES`` inputs of distinct sizes:

- rf-client over the three nodes, rf-client over one, inference-sdk 1.8.3 over one (it has no
  list of servers): the speed-up of three nodes over one at the same concurrency;
- rf-client over three fresh nodes, one SIGKILLed once a third of the batch is answered;
- rf-client over two nodes and a third URL where nothing listens (dead from the start).

Every result is checked against its input (each node echoes the size of the image it got):
a missing, failed or misplaced result counts as wrong, and the report shows the count.
"""

from __future__ import annotations

import datetime
import os
import socket
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

from bench.environment import machine_info
from bench.instant_server import MODEL_ID
from bench.measures import RF, SDK, Clients, run_client
from bench.processes import server_process
from bench.stats import ratio, summarize

NODES = 3
LATENCY = 0.04
"""Seconds each node spends on one inference (it takes the next only then)."""
CONCURRENCIES = (3, 6)
TARGET_SPEEDUP = 2.7
"""Issue 12: three nodes give at least 2.7x one node's throughput at the same concurrency."""

THREE = f"{RF} over {NODES} nodes"
ONE = f"{RF} over 1 node"
SDK_ONE = f"{SDK} over 1 node"
SETUPS = (THREE, ONE, SDK_ONE)
KILLED = "killed"
DEAD = "dead"
SCENARIOS = {
    KILLED: "one of three nodes SIGKILLed after a third of the batch",
    DEAD: "one of three URLs dead from the start (nothing listens)",
}


@contextmanager
def latency_nodes(count: int) -> Iterator[list[tuple[str, int]]]:
    """``count`` latency nodes, each in its own process: yield their (URL, pid)."""
    with ExitStack() as stack:
        yield [
            stack.enter_context(server_process("bench.latency_server", "--latency", str(LATENCY)))
            for _ in range(count)
        ]


def dead_url() -> str:
    """A loopback URL where nothing listens: a port the kernel just gave and took back."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class _Samples:
    """Images/s, result checks and the last node stats per (setup or scenario, concurrency)."""

    def __init__(self) -> None:
        self.rates: dict[str, dict[str, list[float]]] = {}
        self.checks: dict[str, dict[str, list[dict[str, Any]]]] = {}
        self.node_stats: dict[str, dict[str, list[dict[str, Any]]]] = {}

    def add(self, name: str, concurrency: int, result: dict[str, Any]) -> None:
        key = str(concurrency)
        for timing in result["runs"]:
            self.rates.setdefault(name, {}).setdefault(key, []).append(
                result["images"] / timing["seconds"]
            )
        self.checks.setdefault(name, {}).setdefault(key, []).extend(result["checks"])
        self.node_stats.setdefault(name, {})[key] = result["node_stats"]

    def entry(self, name: str, concurrency: int) -> dict[str, Any]:
        key = str(concurrency)
        checks = self.checks[name][key]
        return {
            "images_per_second": summarize(self.rates[name][key]),
            "runs": len(checks),
            "wrong_results": sum(check["wrong"] for check in checks),
            "errors": [check["error"] for check in checks if check["error"]],
            "killed_after": [check["killed_after"] for check in checks if check["killed_after"]],
            "node_stats_last_run": self.node_stats[name][key],
        }


def nodes_benchmark(
    clients: Clients, images: Sequence[tuple[str, tuple[int, int]]], rounds: int
) -> dict[str, Any]:
    """Every setup and scenario at every concurrency, ``rounds`` times; medians and ratios."""
    load_start = os.getloadavg()[0]
    task: dict[str, Any] = {
        "kind": "nodes_throughput",
        "images": [path for path, _ in images],
        "sizes": [list(size) for _, size in images],
        "model_id": MODEL_ID,
        "repeats": 1,
    }
    samples = _Samples()
    for index in range(rounds):
        print(f"   round {index + 1}/{rounds} ...", flush=True)
        with latency_nodes(NODES) as nodes:
            urls = [url for url, _ in nodes]
            for concurrency in CONCURRENCIES:
                for name, client, used in (
                    (THREE, RF, urls),
                    (ONE, RF, urls[:1]),
                    (SDK_ONE, SDK, urls[:1]),
                ):
                    result = run_client(
                        clients, client, {**task, "urls": used, "concurrency": concurrency}
                    )
                    samples.add(name, concurrency, result)
        for concurrency in CONCURRENCIES:
            with latency_nodes(NODES) as nodes:
                urls = [url for url, _ in nodes]
                kill = {"pid": nodes[1][1], "stats_urls": urls, "after": len(images) // 3}
                result = run_client(
                    clients, RF, {**task, "urls": urls, "concurrency": concurrency, "kill": kill}
                )
                samples.add(KILLED, concurrency, result)
            with latency_nodes(NODES - 1) as nodes:
                urls = [nodes[0][0], dead_url(), nodes[1][0]]
                result = run_client(clients, RF, {**task, "urls": urls, "concurrency": concurrency})
                samples.add(DEAD, concurrency, result)
    by_concurrency: dict[str, Any] = {}
    for concurrency in CONCURRENCIES:
        entry = {name: samples.entry(name, concurrency) for name in SETUPS}
        rates = {name: entry[name]["images_per_second"] for name in SETUPS}
        entry["ratios"] = {
            "three_vs_one": ratio(rates[THREE], rates[ONE]),
            "one_rf_client_vs_sdk": ratio(rates[ONE], rates[SDK_ONE]),
            "three_rf_client_vs_sdk_one": ratio(rates[THREE], rates[SDK_ONE]),
        }
        for scenario in SCENARIOS:
            entry[scenario] = samples.entry(scenario, concurrency)
            entry[scenario]["vs_three"] = ratio(entry[scenario]["images_per_second"], rates[THREE])
        by_concurrency[str(concurrency)] = entry
    machine = machine_info()
    return {
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "rf_client_commit": machine["rf_client_commit"],
        "rf_client_uncommitted_changes": machine["rf_client_uncommitted_changes"],
        "load_average": [load_start, os.getloadavg()[0]],
        "nodes": NODES,
        "latency_seconds": LATENCY,
        "images": len(images),
        "rounds": rounds,
        "target_speedup": TARGET_SPEEDUP,
        "concurrency": by_concurrency,
    }
