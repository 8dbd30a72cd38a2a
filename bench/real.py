"""Both clients against the real inference 1.8.3 server with a locally built model.

The server (installed under ``~/.cache/rf-client`` by ``rf_client.server``) is started on a
free loopback port with the offline models built into ``bench/.work/models``, and always
stopped. Measured: ``infer`` on ``offline-od/1`` over a list of images (the client's
``max_concurrent_requests`` at 1 and 8) and the model-free QR workflow (real-server.md, 4a),
one image per ``run_workflow`` call from 1 or 8 caller threads.

Nothing is pinned here, unlike against the instant server: onnxruntime sizes its spinning
thread pool for every core, and on a single core the same raw loop ran at 19 requests/s
instead of 69 (the server's CPU per request doubled) and varied from run to run. Client and
server share the machine as they would in use; each client's rounds warm the server first.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from bench.measures import CONCURRENCIES, RF, SDK, Clients, has_method, run_client
from bench.stats import ratio, summarize

MODEL_ID = "offline-od/1"

QR_WORKFLOW: dict[str, Any] = {
    "version": "1.0",
    "inputs": [{"type": "WorkflowImage", "name": "image"}],
    "steps": [
        {"type": "roboflow_core/qr_code_detector@v1", "name": "qr", "images": "$inputs.image"},
        {
            "type": "roboflow_core/barcode_detector@v1",
            "name": "barcodes",
            "images": "$inputs.image",
        },
    ],
    "outputs": [
        {"type": "JsonField", "name": "qr", "selector": "$steps.qr.predictions"},
        {"type": "JsonField", "name": "barcodes", "selector": "$steps.barcodes.predictions"},
    ],
}
"""QR and barcode detection: needs no model, so it runs offline (answers in about 40 ms)."""


def _rates(results: list[dict[str, Any]], images: int) -> dict[str, Any]:
    output: dict[str, Any] = {}
    for concurrency in map(str, CONCURRENCIES):
        timings = [run for result in results for run in result["runs"][concurrency]]
        output[concurrency] = summarize([images / timing["seconds"] for timing in timings])
    return output


def _server_cpu(results: list[dict[str, Any]], images: int) -> dict[str, Any]:
    """Server CPU ms per image, per concurrency: what each client's requests cost the server."""
    output: dict[str, Any] = {}
    for concurrency in map(str, CONCURRENCIES):
        timings = [run for result in results for run in result["runs"][concurrency]]
        output[concurrency] = summarize(
            [1000 * timing["server_cpu_seconds"] / images for timing in timings]
        )
    return output


def _compare(
    clients: Clients, base_task: dict[str, Any], rounds: int, images: int
) -> dict[str, Any]:
    results: dict[str, list[dict[str, Any]]] = {RF: [], SDK: []}
    # One untimed pass of each client first: the server's first requests load the model and
    # warm its runtime, which would count against whichever client came first.
    warmup = {**base_task, "images": base_task["images"][:8], "repeats": 1}
    for client in (RF, SDK):
        run_client(clients, client, warmup)
    for index in range(rounds):
        # Alternate which client goes first, so that neither always meets the server's state
        # the other left behind.
        for client in (RF, SDK) if index % 2 == 0 else (SDK, RF):
            results[client].append(run_client(clients, client, base_task))
    rates = {client: _rates(found, images) for client, found in results.items()}
    paired = {
        concurrency: summarize(_paired_ratios(results, concurrency, images))
        for concurrency in map(str, CONCURRENCIES)
    }
    return {
        "images": images,
        "rounds": rounds,
        "images_per_second": rates,
        "server_cpu_ms_per_image": {
            client: _server_cpu(found, images) for client, found in results.items()
        },
        "paired_ratios": paired,
        "ratio_of_medians": {
            concurrency: ratio(rates[RF][concurrency], rates[SDK][concurrency])
            for concurrency in map(str, CONCURRENCIES)
        },
        "ratio_rf_client_vs_sdk": {
            concurrency: paired[concurrency]["median"] for concurrency in map(str, CONCURRENCIES)
        },
    }


def _paired_ratios(
    results: dict[str, list[dict[str, Any]]], concurrency: str, images: int
) -> list[float]:
    """rf-client's rate over inference-sdk's in each round (the two ran back to back).

    The server's own speed drifts between two states during a run (its CPU per image moves
    between about 10 and 15 ms for either client), so each round's pair is compared and the
    median of the pairs reported: a drift then hits both sides of most pairs alike.
    """
    pairs = []
    for rf_result, sdk_result in zip(results[RF], results[SDK], strict=True):
        rf_rate, sdk_rate = (
            statistics.median(images / run["seconds"] for run in result["runs"][concurrency])
            for result in (rf_result, sdk_result)
        )
        pairs.append(rf_rate / sdk_rate)
    return pairs


def real_server(
    clients: Clients,
    work: Path,
    images: list[str],
    qr_image: str,
    rounds: int,
    repeats: int,
) -> dict[str, Any]:
    """Start the real server, measure ``infer`` and workflow throughput, stop it."""
    from rf_client.server import LocalServer, build_offline_models, install

    install()
    models = build_offline_models(work / "models")
    server = LocalServer(models_dir=models.models_dir)
    handle = server.start()
    try:
        common = {
            "cpu": None,  # not pinned: see the module's docstring
            "url": handle.url,
            "server_pid": handle.pid,
            "concurrencies": list(CONCURRENCIES),
            "repeats": repeats,
        }
        output: dict[str, Any] = {
            "server": {"url": handle.url, "pinned": False, "model": MODEL_ID},
            "infer": _compare(
                clients,
                {**common, "kind": "throughput", "images": images, "model_id": MODEL_ID},
                rounds,
                len(images),
            ),
        }
        if has_method(clients, "run_workflow"):
            calls = [qr_image] * len(images)
            output["workflow"] = _compare(
                clients,
                {
                    **common,
                    "kind": "workflow_throughput",
                    "images": calls,
                    "specification": QR_WORKFLOW,
                },
                rounds,
                len(calls),
            )
        else:
            output["workflow"] = {"skipped": "rf-client has no run_workflow yet"}
        return output
    finally:
        server.stop()
