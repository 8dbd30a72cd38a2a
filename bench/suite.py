"""``python -m bench``: rf-client against inference-sdk 1.8.3, one machine, one run.

Measured (each client in fresh processes pinned to one CPU, servers on the other):

1. import time of ``InferenceHTTPClient`` in a fresh interpreter;
2. HTTP requests per v1 ``infer`` call (on the instant server);
3. ``infer`` throughput over 200 image files at ``max_concurrent_requests`` 1 and 8 on the
   instant server, against two raw httpx ceilings (pre-encoded bodies; read + base64 per
   request);
4. client CPU per 640x480 numpy frame against bare ``cv2.imencode`` + base64;
5. peak RSS growth over ``infer_on_stream`` of a 2,000-frame video and a 2,000-file folder;
6. ``infer`` and workflow throughput against the real inference server;
7. one client over three loopback nodes of fixed latency against one node, with a node killed
   mid-batch and one dead from the start (``nodes``, :mod:`bench.nodes`).

Writes ``bench/results.json`` and ``docs/benchmarks.md``; exit status 0 even when a target
is missed (the results say which), 2 when the benchmark itself fails. A changed rf-client
is measured with ``--rf-source DIR`` (a copy of the tree with the change, ``make regen`` run
in it when the generator changed); ``--report-only`` re-renders the page from the JSON. A
run of some steps (``--only``) replaces those measurements in an existing results JSON and
keeps the others.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
from pathlib import Path
from typing import Any

from bench import measures, nodes, real, report
from bench.environment import (
    REPO_DIR,
    SDK_VERSION,
    WORK_DIR,
    ensure_sdk_venv,
    machine_info,
)
from bench.fixtures import make_all, sized_images
from bench.processes import CLIENT_CPU, SERVER_CPU, WorkerError, instant_server
from rf_client.errors import RFClientError

RESULTS = REPO_DIR / "bench" / "results.json"
DOCS = REPO_DIR / "docs" / "benchmarks.md"
STEPS = ("import", "requests", "throughput", "numpy", "stream", "real", "nodes")
INSTANT_STEPS = {"import", "requests", "throughput", "numpy", "stream"}


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    """The command line of ``python -m bench``."""
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="rf-client against inference-sdk 1.8.3, one machine, one run.",
    )
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument(
        "--repeats", type=int, default=3, help="timed repeats per process (default 3)"
    )
    parser.add_argument(
        "--only", default=",".join(STEPS), help=f"comma-separated steps among {','.join(STEPS)}"
    )
    parser.add_argument(
        "--rf-source",
        type=Path,
        default=None,
        help="measure the rf_client (and generated/) of this folder, a patched copy of the tree",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="measure nothing: rewrite the Markdown page from the results JSON (--output)",
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="results JSON path")
    parser.add_argument("--docs", type=Path, default=DOCS, help="Markdown summary path")
    arguments = parser.parse_args(argv)
    arguments.steps = [step for step in arguments.only.split(",") if step]
    unknown = set(arguments.steps) - set(STEPS)
    if unknown:
        parser.error(f"unknown step: {', '.join(sorted(unknown))}")
    return arguments


def run(arguments: argparse.Namespace) -> dict[str, Any]:
    """Every requested step; the results document."""
    sdk_python = ensure_sdk_venv()
    clients = measures.default_clients(sdk_python, arguments.rf_source)
    steps = arguments.steps
    print("preparing inputs under bench/.work ...", flush=True)
    fixtures = make_all(WORK_DIR) if set(steps) & (INSTANT_STEPS | {"real"}) else None
    results: dict[str, Any] = {
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "setup": {
            "client_cpu": CLIENT_CPU,
            "server_cpu": SERVER_CPU,
            "rounds": arguments.rounds,
            "repeats": arguments.repeats,
            "inference_sdk": SDK_VERSION,
            "rf_client_source": clients["rf_source"],
            "load_average_start": list(os.getloadavg()),
        },
        "measurements": {},
    }
    found: dict[str, Any] = results["measurements"]
    if "import" in steps:
        print("1. import time ...", flush=True)
        found["import_time"] = measures.import_time(clients, runs=max(9, arguments.rounds))
    if fixtures is not None and INSTANT_STEPS & set(steps):
        with instant_server() as (url, server_pid):
            if "import" in steps:
                print("1b. cold start: import, construct, first infer ...", flush=True)
                found["cold_start"] = measures.cold_start(
                    clients, url, fixtures["images"][0], runs=max(7, arguments.rounds)
                )
            if "requests" in steps:
                print("2. requests per infer call ...", flush=True)
                found["requests_per_call"] = measures.requests_per_call(
                    clients, url, fixtures["images"][0]
                )
            if "throughput" in steps:
                print("3. throughput on the instant server ...", flush=True)
                found["encode_costs"] = measures.encode_costs(
                    clients, fixtures["images"], arguments.rounds
                )
                found["instant_throughput"] = measures.instant_throughput(
                    clients,
                    url,
                    server_pid,
                    fixtures["images"],
                    arguments.rounds,
                    arguments.repeats,
                )
            if "numpy" in steps:
                print("4. numpy input CPU ...", flush=True)
                found["numpy_cpu"] = measures.numpy_cpu(
                    clients, url, fixtures["numpy_source"], arguments.rounds
                )
            if "stream" in steps:
                print("5. memory over 2,000-item streams ...", flush=True)
                found["stream_memory"] = measures.stream_memory(
                    clients,
                    url,
                    server_pid,
                    {"video": fixtures["video"], "folder": fixtures["folder"]},
                )
    if fixtures is not None and "real" in steps:
        print("6. real server ...", flush=True)
        found["real_server"] = real.real_server(
            clients,
            WORK_DIR,
            fixtures["images"][:40],
            fixtures["qr_image"],
            rounds=2 * arguments.rounds,  # paired rounds: see bench.real._paired_ratios
            repeats=1,
        )
    if "nodes" in steps:
        print("7. one client over three nodes ...", flush=True)
        found["nodes"] = nodes.nodes_benchmark(clients, sized_images(WORK_DIR), arguments.rounds)
    results["setup"]["load_average_end"] = list(os.getloadavg())
    results["targets"] = report.evaluate(found)
    return results


def merged(results: dict[str, Any], output: Path, steps: list[str]) -> dict[str, Any]:
    """``results`` of some steps written over the previous run's JSON at ``output``.

    The machine, setup and run time at the top stay the previous run's when it measured
    steps this one did not (each of its measurements is still that run's); the targets are
    evaluated again over the whole.
    """
    if set(steps) == set(STEPS) or not output.exists():
        return results
    previous: dict[str, Any] = json.loads(output.read_text())
    previous["measurements"].update(results["measurements"])
    previous["targets"] = report.evaluate(previous["measurements"])
    return previous


def main(argv: list[str]) -> int:
    """Run the suite, print the summary, write the results and the Markdown page."""
    arguments = parse_arguments(argv)
    if arguments.report_only:
        results = json.loads(arguments.output.read_text())
        arguments.docs.write_text(report.markdown(results))
        print(f"wrote {arguments.docs} from {arguments.output}")
        return 0
    try:
        results = run(arguments)
    except (WorkerError, RuntimeError, OSError, RFClientError) as error:
        # RFClientError: the real server could not be installed, built for or started.
        print(f"benchmark failed: {error}")
        return 2
    results = merged(results, arguments.output, arguments.steps)
    arguments.output.write_text(json.dumps(results, indent=2) + "\n")
    page = report.markdown(results)
    arguments.docs.write_text(page)
    print(page)
    print(f"wrote {arguments.output} and {arguments.docs}")
    return 0
