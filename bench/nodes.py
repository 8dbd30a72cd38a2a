"""One client over three loopback nodes: throughput against one node, and nodes that die.

Each node is a process (``python -m bench.nodes --serve``) that answers ONE inference at a
time, after a fixed latency (a semaphore of 1 per node), so a node's throughput is capped at
``1 / latency`` whatever the client does: three nodes can give at most three times one. Its
answer carries a digest of the image it received (``inference_id``), so the benchmark checks
that every result came back, and for the right input, in order.

Measured at the same ``max_concurrent_requests``: one node, three nodes, three nodes with one
killed (SIGKILL) a third of the way through the batch, and three nodes of which one is dead
from the start. Run by ``python -m bench --only nodes`` (step 7 of :mod:`bench.suite`).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

MODEL_ID = "bench/1"
LATENCY = 0.05
"""Seconds each node takes per inference, one at a time."""
CONCURRENCY = 6
IMAGES = 90
ROUNDS = 3
ROUTE = "/infer/object_detection"
SMALL_IMAGES = ("chelsea.png", "rocket.jpg", "coffee.png", "astronaut.png", "page.png")
"""Fixture photos within the model's 640 px: sent as they are, so the client's CPU is small."""

_REGISTRY = {
    "models": [
        {
            "model_id": MODEL_ID,
            "task_type": "object-detection",
            "input_height": 640,
            "input_width": 640,
            "batch_size": None,
        }
    ]
}


def digest(value: str) -> str:
    """What a node answers for an image sent as base64 ``value``."""
    return hashlib.sha1(value.encode("ascii"), usedforsecurity=False).hexdigest()[:16]


def _response(status: int, payload: object) -> bytes:
    body = json.dumps(payload).encode()
    head = f"HTTP/1.1 {status} OK\r\ncontent-type: application/json\r\n"
    return (head + f"content-length: {len(body)}\r\n\r\n").encode() + body


def _prediction(image: dict[str, Any]) -> dict[str, Any]:
    return {
        "inference_id": digest(image["value"]),
        "image": {"width": 1, "height": 1},
        "predictions": [],
    }


async def _serve(latency: float) -> None:
    gate = asyncio.Semaphore(1)  # one inference at a time, whatever the connections

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
                method, target, _ = head[0].split(" ")
                length = 0
                for line in head[1:]:
                    name, _, value = line.partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                body = await reader.readexactly(length) if length else b""
                path = target.split("?", 1)[0]
                if method == "POST" and path == ROUTE:
                    images = json.loads(body)["image"]
                    async with gate:
                        await asyncio.sleep(latency)
                    answer: object = (
                        [_prediction(i) for i in images]
                        if isinstance(images, list)
                        else _prediction(images)
                    )
                    writer.write(_response(200, answer))
                elif path in ("/model/registry", "/model/add"):
                    writer.write(_response(200, _REGISTRY))
                else:
                    writer.write(_response(200, {"name": "bench node", "version": "1.8.3"}))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=256)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


@contextmanager
def node(latency: float = LATENCY) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """A node process: its URL and process, killed at the end."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.nodes", "--serve", "--latency", str(latency)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield f"http://127.0.0.1:{port}", process
    finally:
        process.kill()
        process.wait()


def _inputs(images_dir: Path, count: int) -> tuple[list[bytes], list[str]]:
    files = [(images_dir / name).read_bytes() for name in SMALL_IMAGES]
    data = [files[i % len(files)] for i in range(count)]
    return data, [digest(base64.b64encode(item).decode("ascii")) for item in data]


def _timed_batch(
    urls: list[str], data: list[bytes], expected: list[str], kill: subprocess.Popen[str] | None
) -> dict[str, Any]:
    from rf_client import InferenceConfiguration, InferenceHTTPClient

    client = InferenceHTTPClient(urls if len(urls) > 1 else urls[0]).configure(
        InferenceConfiguration(max_concurrent_requests=CONCURRENCY, max_batch_size=1)
    )
    # No warm-up: a dead node must be found inside the timed batch; each node's registry
    # lookup (one GET per node) is timed too.
    timer = None
    if kill is not None:
        # A third of the way through the batch at three nodes' pace.
        delay = len(data) * LATENCY / 3 / 3
        timer = threading.Timer(delay, kill.kill)
        timer.start()
    started = time.perf_counter()
    results = client.infer(data, model_id=MODEL_ID)
    seconds = time.perf_counter() - started
    if timer is not None:
        timer.join()
    got = [result["inference_id"] for result in results]
    stats = client.node_stats()
    client.close()
    return {
        "seconds": seconds,
        "images_per_second": len(data) / seconds,
        "complete_in_order": got == expected,
        "per_node": [stats_entry.succeeded for stats_entry in stats],
    }


def measure(images_dir: Path, rounds: int = ROUNDS, count: int = IMAGES) -> dict[str, Any]:
    """Every scenario, ``rounds`` times each; medians and the per-round completeness."""
    data, expected = _inputs(images_dir, count)
    runs: dict[str, list[dict[str, Any]]] = {
        "one_node": [],
        "three_nodes": [],
        "node_killed_mid_batch": [],
        "node_dead_from_start": [],
    }
    for _ in range(rounds):
        with node() as (a, _pa), node() as (b, _pb), node() as (c, _pc):
            runs["one_node"].append(_timed_batch([a], data, expected, None))
            runs["three_nodes"].append(_timed_batch([a, b, c], data, expected, None))
        with node() as (a, _pa), node() as (b, victim), node() as (c, _pc):
            runs["node_killed_mid_batch"].append(_timed_batch([a, b, c], data, expected, victim))
        with node() as (a, _pa), node() as (b, dead), node() as (c, _pc):
            dead.kill()
            dead.wait()
            runs["node_dead_from_start"].append(_timed_batch([a, b, c], data, expected, None))
    summary: dict[str, Any] = {
        "latency_ms": LATENCY * 1000,
        "max_concurrent_requests": CONCURRENCY,
        "images": count,
        "rounds": rounds,
        "scenarios": {},
    }
    for name, entries in runs.items():
        summary["scenarios"][name] = {
            "images_per_second": statistics.median(e["images_per_second"] for e in entries),
            "seconds": statistics.median(e["seconds"] for e in entries),
            "complete_in_order": all(e["complete_in_order"] for e in entries),
            "per_node_last_round": entries[-1]["per_node"],
        }
    one = summary["scenarios"]["one_node"]["images_per_second"]
    summary["speedup_three_over_one"] = (
        summary["scenarios"]["three_nodes"]["images_per_second"] / one
    )
    summary["all_complete_in_order"] = all(
        s["complete_in_order"] for s in summary["scenarios"].values()
    )
    return summary


def main(argv: list[str]) -> int:
    """``--serve``: run one node; otherwise measure and print the summary as JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.nodes")
    parser.add_argument("--serve", action="store_true", help="run one node (prints its port)")
    parser.add_argument("--latency", type=float, default=LATENCY)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    arguments = parser.parse_args(argv)
    if arguments.serve:
        asyncio.run(_serve(arguments.latency))
        return 0
    images = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "images"
    print(json.dumps(measure(images, arguments.rounds), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
