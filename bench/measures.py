"""The measurements against the instant server, each client in fresh pinned processes.

Rounds interleave the clients (raw, rf-client, inference-sdk, raw, ...), so that a change of
load on the machine during the run hits every client alike; medians over all rounds and
repeats are reported with their spread.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypedDict

from bench.environment import REPO_DIR
from bench.instant_server import MODEL_ID
from bench.processes import CLIENT_CPU, run_worker
from bench.stats import Summary, ratio, summarize

RF = "rf-client"
SDK = "inference-sdk"
RAW = "raw-httpx"
RAW_ENCODE = "raw-httpx-encode"
CONCURRENCIES = (1, 8)


class Clients(TypedDict):
    """The interpreter each client runs under; the import paths of a copy of the tree whose
    ``rf_client`` (and generated ``rf_api_v1``) are measured instead of the checkout's (empty:
    the checkout's)."""

    rf_python: str
    sdk_python: str
    rf_source: list[str]


def rf_task(clients: Clients, task: dict[str, Any]) -> dict[str, Any]:
    """``task`` for an rf-client worker, with the source folder to use."""
    return {**task, "rf_source": clients["rf_source"]}


def run_client(clients: Clients, client: str, task: dict[str, Any]) -> dict[str, Any]:
    """Run ``task`` for ``client`` (rf-client or inference-sdk) under its interpreter."""
    if client == RF:
        return run_worker(clients["rf_python"], rf_task(clients, {**task, "client": RF}))
    return run_worker(clients["sdk_python"], {**task, "client": client})


def _pinned() -> None:
    if CLIENT_CPU is not None:
        os.sched_setaffinity(0, {CLIENT_CPU})


IMPORT_PROBE = (
    "import time; start = time.perf_counter(); "
    "from {package} import InferenceHTTPClient; "
    "print(time.perf_counter() - start)"
)


def import_time(clients: Clients, runs: int) -> dict[str, Any]:
    """Seconds to import the client class in a fresh interpreter, and the process's wall time.

    One unmeasured run each first (bytecode and page cache); then ``runs`` interleaved runs.
    """
    probes = {
        RF: (clients["rf_python"], "rf_client"),
        SDK: (clients["sdk_python"], "inference_sdk"),
    }
    environment = dict(os.environ)
    if clients["rf_source"]:
        environment["PYTHONPATH"] = os.pathsep.join(clients["rf_source"])
    imports: dict[str, list[float]] = {RF: [], SDK: []}
    processes: dict[str, list[float]] = {RF: [], SDK: []}
    for index in range(runs + 1):
        for client, (python, package) in probes.items():
            start = time.perf_counter()
            done = subprocess.run(
                [python, "-c", IMPORT_PROBE.format(package=package)],
                cwd=Path(python).parent,  # not the repository: rf_client must come from the venv
                capture_output=True,
                text=True,
                check=True,
                preexec_fn=_pinned,  # the benchmark runs no threads of its own here
                env=environment if client == RF else None,
            )
            wall = time.perf_counter() - start
            if index:
                imports[client].append(float(done.stdout.strip()))
                processes[client].append(wall)
    result: dict[str, Any] = {
        client: {
            "import_seconds": summarize(imports[client]),
            "process_seconds": summarize(processes[client]),
        }
        for client in probes
    }
    result["ratio"] = ratio(result[RF]["import_seconds"], result[SDK]["import_seconds"])
    result["process_ratio"] = ratio(result[RF]["process_seconds"], result[SDK]["process_seconds"])
    return result


def cold_start(clients: Clients, url: str, image: str, runs: int) -> dict[str, Any]:
    """Import + construct + first ``infer`` in a fresh process, ``runs`` interleaved times."""
    samples: dict[str, dict[str, list[float]]] = {
        client: {"import": [], "first_call": [], "total": []} for client in (RF, SDK)
    }
    task = {"kind": "cold_start", "url": url, "image": image, "model_id": MODEL_ID}
    for _ in range(runs):
        for client in (RF, SDK):
            result = run_client(clients, client, task)
            entry = samples[client]
            entry["import"].append(result["import_seconds"])
            entry["first_call"].append(result["first_call_seconds"])
            entry["total"].append(result["import_seconds"] + result["first_call_seconds"])
    output: dict[str, Any] = {
        client: {f"{name}_seconds": summarize(values) for name, values in entry.items()}
        for client, entry in samples.items()
    }
    output["ratio"] = ratio(output[RF]["total_seconds"], output[SDK]["total_seconds"])
    return output


def requests_per_call(clients: Clients, url: str, image: str, calls: int = 5) -> dict[str, Any]:
    """HTTP requests the instant server receives for each of ``calls`` single-image infers."""
    task = {
        "kind": "requests_per_call",
        "url": url,
        "image": image,
        "model_id": MODEL_ID,
        "calls": calls,
    }
    result: dict[str, Any] = {client: run_client(clients, client, task) for client in (RF, SDK)}
    result["rf_client_after_first"] = max(result[RF]["per_call"][1:])
    return result


def _throughput_summary(timings: Sequence[dict[str, Any]], images: int) -> dict[str, Summary]:
    per_second = [images / timing["seconds"] for timing in timings]
    cpu_ms = [1000 * timing["cpu_seconds"] / images for timing in timings]
    summary = {"images_per_second": summarize(per_second), "cpu_ms_per_image": summarize(cpu_ms)}
    server = [
        timing["server_cpu_seconds"] / timing["seconds"]
        for timing in timings
        if timing.get("server_cpu_seconds") is not None
    ]
    if server:
        summary["server_cpu_share"] = summarize(server)
    return summary


def instant_throughput(
    clients: Clients, url: str, server_pid: int, images: list[str], rounds: int, repeats: int
) -> dict[str, Any]:
    """``infer`` over ``images`` at concurrency 1 and 8, against the raw httpx ceilings."""
    common = {
        "url": url,
        "server_pid": server_pid,
        "images": images,
        "model_id": MODEL_ID,
        "concurrencies": list(CONCURRENCIES),
        "repeats": repeats,
        "instant": True,
    }
    variants: list[tuple[str, str, dict[str, Any]]] = [
        (RAW, clients["rf_python"], {"kind": "raw_httpx", "client": RAW, "encode": False}),
        (RAW_ENCODE, clients["rf_python"], {"kind": "raw_httpx", "client": RAW, "encode": True}),
        (RF, clients["rf_python"], rf_task(clients, {"kind": "throughput", "client": RF})),
        (SDK, clients["sdk_python"], {"kind": "throughput", "client": SDK}),
    ]
    timings: dict[tuple[str, str], list[dict[str, Any]]] = {}
    body_bytes: dict[str, dict[str, float]] = {}
    for _ in range(rounds):
        for name, python, task in variants:
            result = run_worker(python, {**common, **task})
            for concurrency, runs in result["runs"].items():
                timings.setdefault((name, concurrency), []).extend(runs)
            body_bytes[name] = result["body_bytes"]
    by_concurrency: dict[str, Any] = {}
    for concurrency in map(str, CONCURRENCIES):
        entry: dict[str, Any] = {
            name: _throughput_summary(timings[(name, concurrency)], len(images))
            for name, _python, _task in variants
        }
        speed = {name: entry[name]["images_per_second"] for name in entry}
        entry["ratios"] = {
            "rf_client_vs_sdk": ratio(speed[RF], speed[SDK]),
            "rf_client_vs_raw": ratio(speed[RF], speed[RAW]),
            "rf_client_vs_raw_encode": ratio(speed[RF], speed[RAW_ENCODE]),
        }
        by_concurrency[concurrency] = entry
    return {
        "images": len(images),
        "rounds": rounds,
        "repeats": repeats,
        "request_body_bytes": body_bytes,
        "concurrency": by_concurrency,
    }


def encode_costs(clients: Clients, images: list[str], rounds: int) -> dict[str, Any]:
    """CPU per image of the work every client does before its request, on the same files.

    Reading the file, base64-encoding it and parsing its header (what a client that checks
    its inputs before sending pays), each timed alone, ``rounds`` fresh processes.
    """
    samples: dict[str, list[float]] = {}
    for _ in range(rounds):
        result = run_worker(
            clients["rf_python"], {"kind": "encode_costs", "images": images, "repeats": 3}
        )
        for name, values in result["cpu_seconds_per_image"].items():
            samples.setdefault(name, []).extend(1000 * value for value in values)
    return {
        "images": len(images),
        "cpu_ms_per_image": {name: summarize(values) for name, values in samples.items()},
    }


def numpy_cpu(
    clients: Clients, url: str, source: str, rounds: int, frames: int = 200
) -> dict[str, Any]:
    """Client CPU per 640x480 BGR frame (one ``infer`` each) against bare imencode + base64."""
    samples: dict[str, dict[str, list[float]]] = {}
    for _ in range(rounds):
        for client in (RF, SDK):
            result = run_client(
                clients,
                client,
                {
                    "kind": "numpy_cpu",
                    "url": url,
                    "model_id": MODEL_ID,
                    "source": source,
                    "frames": frames,
                    "width": 640,
                    "height": 480,
                    "rounds": 3,
                },
            )
            entry = samples.setdefault(client, {"bare": [], "client": [], "raw_post": []})
            for name in entry:
                entry[name].extend(1000 * value for value in result[f"{name}_cpu_per_frame"])
    output: dict[str, Any] = {"frames": frames, "size": "640x480", "rounds": rounds}
    for client, entry in samples.items():
        bare, through = summarize(entry["bare"]), summarize(entry["client"])
        output[client] = {
            "bare_encode_cpu_ms": bare,
            "client_cpu_ms": through,
            "ratio_to_bare": ratio(through, bare),
        }
        if entry["raw_post"]:
            floor = summarize(entry["raw_post"])
            output[client]["raw_post_cpu_ms"] = floor
            output[client]["raw_post_ratio_to_bare"] = ratio(floor, bare)
    return output


def has_method(clients: Clients, name: str) -> bool:
    """Whether the measured rf-client's ``InferenceHTTPClient`` has method ``name``."""
    probe = (
        "import sys; sys.path[:0] = sys.argv[1:]; "
        f"from rf_client import InferenceHTTPClient as C; print(hasattr(C, {name!r}))"
    )
    done = subprocess.run(
        [clients["rf_python"], "-c", probe, *clients["rf_source"]],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() == "True"


def stream_memory(
    clients: Clients, url: str, server_pid: int, sources: dict[str, str], warmup_items: int = 100
) -> dict[str, Any]:
    """Peak RSS growth over ``infer_on_stream`` of each source (video, folder), both clients."""
    if not has_method(clients, "infer_on_stream"):
        return {"skipped": "rf-client has no infer_on_stream yet"}
    output: dict[str, Any] = {"warmup_items": warmup_items}
    for label, source in sources.items():
        entry: dict[str, Any] = {}
        for client in (RF, SDK):
            entry[client] = run_client(
                clients,
                client,
                {
                    "kind": "stream_memory",
                    "url": url,
                    "server_pid": server_pid,
                    "model_id": MODEL_ID,
                    "source": source,
                    "warmup_items": warmup_items,
                },
            )
        output[label] = entry
    return output


def source_paths(tree: Path | None) -> list[str]:
    """The import paths of a copy of the tree: its root and its ``generated`` folder."""
    if tree is None:
        return []
    root = tree.resolve()
    return [str(path) for path in (root, root / "generated") if path.is_dir()]


def default_clients(sdk_python: Path, rf_source: Path | None) -> Clients:
    """rf-client from the running interpreter's venv (or ``rf_source``); inference-sdk from
    its own venv."""
    return Clients(
        rf_python=sys.executable, sdk_python=str(sdk_python), rf_source=source_paths(rf_source)
    )
