"""Targets and the Markdown page (``docs/benchmarks.md``) from one run's results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.measures import RAW, RAW_ENCODE, RF, SDK
from bench.targets import REAL_SERVER_TOLERANCE, TargetResult, check

FINDINGS = Path(__file__).resolve().parent / "findings.md"
"""Hand-written analysis (causes of misses, proposed fixes), appended to the page."""

MB = 1024 * 1024


def _get(data: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def evaluate(found: dict[str, Any]) -> list[TargetResult]:
    """Every target of issue 8 whose measurement ran, in the issue's order."""
    targets: list[TargetResult] = []
    if "import_time" in found:
        targets.append(
            check(
                "import",
                "import time <= 0.25x inference-sdk's",
                found["import_time"]["ratio"],
                "<=",
                0.25,
            )
        )
    if "requests_per_call" in found:
        targets.append(
            check(
                "requests-per-call",
                "rf-client sends 1 request per infer call after the first",
                found["requests_per_call"]["rf_client_after_first"],
                "<=",
                1,
            )
        )
    ratios = {
        concurrency: _get(found, "instant_throughput", "concurrency", concurrency, "ratios")
        for concurrency in ("1", "8")
    }
    if ratios["8"] is not None and ratios["1"] is not None:
        targets += [
            check(
                "throughput-8-vs-sdk",
                "instant server, concurrency 8: >= 2x inference-sdk",
                ratios["8"]["rf_client_vs_sdk"],
                ">=",
                2.0,
            ),
            check(
                "throughput-8-vs-raw",
                "instant server, concurrency 8: >= 0.8x the raw httpx ceiling",
                ratios["8"]["rf_client_vs_raw"],
                ">=",
                0.8,
                note=f"vs raw with read+base64 per request: "
                f"{ratios['8']['rf_client_vs_raw_encode']:.2f}x",
            ),
            check(
                "throughput-1-vs-sdk",
                "instant server, concurrency 1: >= 1.5x inference-sdk",
                ratios["1"]["rf_client_vs_sdk"],
                ">=",
                1.5,
            ),
        ]
    numpy_ratio = _get(found, "numpy_cpu", RF, "ratio_to_bare")
    if numpy_ratio is not None:
        targets.append(
            check(
                "numpy-cpu", "numpy input: client CPU <= 1.2x bare encode", numpy_ratio, "<=", 1.2
            )
        )
    for source in ("video", "folder"):
        growth = _get(found, "stream_memory", source, RF, "growth_bytes")
        if growth is not None:
            targets.append(
                check(
                    f"stream-memory-{source}",
                    f"infer_on_stream over a 2,000-item {source}: RSS growth < 50 MB",
                    growth / MB,
                    "<=",
                    50.0,
                )
            )
    for kind in ("infer", "workflow"):
        for concurrency in ("1", "8"):
            value = _get(found, "real_server", kind, "ratio_rf_client_vs_sdk", concurrency)
            if value is not None:
                targets.append(
                    check(
                        f"real-{kind}-{concurrency}",
                        f"real server, {kind} at concurrency {concurrency}: never slower than "
                        "inference-sdk",
                        value,
                        ">=",
                        1.0 - REAL_SERVER_TOLERANCE,
                        note=f"a ratio >= {1 - REAL_SERVER_TOLERANCE:.2f} counts as a tie",
                    )
                )
    return targets + _nodes_targets(found.get("nodes"))


def _nodes_targets(data: dict[str, Any] | None) -> list[TargetResult]:
    """Issue 12: the speed-up of three nodes over one, and no result lost or misplaced."""
    if data is None:
        return []
    targets: list[TargetResult] = []
    for concurrency, entry in data["concurrency"].items():
        targets.append(
            check(
                f"nodes-speedup-{concurrency}",
                f"one client over 3 latency nodes vs over 1, concurrency {concurrency}: "
                f">= {data['target_speedup']}x",
                entry["ratios"]["three_vs_one"],
                ">=",
                data["target_speedup"],
            )
        )
        for name, key, label in (
            ("three", f"{RF} over {data['nodes']} nodes", f"{data['nodes']} live nodes"),
            ("killed", "killed", "a node SIGKILLed mid-batch"),
            ("dead", "dead", "a node dead from the start"),
        ):
            row = entry[key]
            targets.append(
                check(
                    f"nodes-order-{name}-{concurrency}",
                    f"{label}, concurrency {concurrency}: every result back, in order "
                    f"({row['runs']} batches of {data['images']})",
                    row["wrong_results"] + len(row["errors"]),
                    "<=",
                    0,
                    note="results missing, failed or out of place",
                )
            )
    return targets


def _range(summary: dict[str, Any], digits: int = 0) -> str:
    return (
        f"{summary['median']:.{digits}f} ({summary['min']:.{digits}f}-{summary['max']:.{digits}f})"
    )


def _verdict(passed: bool | None) -> str:
    return {True: "pass", False: "**miss**", None: "not measured"}[passed]


def markdown(results: dict[str, Any]) -> str:
    """The page: machine, targets, then every measurement's table."""
    machine = results["machine"]
    setup = results["setup"]
    found = results["measurements"]
    lines = [
        "# Benchmarks: rf-client vs inference-sdk 1.8.3",
        "",
        "Generated by `make bench` (`python -m bench`; raw numbers in `bench/results.json`).",
        "Both clients run in the same invocation against the same loopback servers, each",
        "measurement in fresh processes; against the instant server the client is pinned to one",
        "CPU and the server to the other (section 6 says how the real server runs). Rounds",
        "interleave the clients. Values are medians with (min-max) over "
        f"{setup['rounds']} rounds x {setup['repeats']} repeats unless stated.",
        "",
        f"- Run: {results['generated_at']}, rf-client commit {machine['rf_client_commit']}"
        + (" plus uncommitted changes" if machine.get("rf_client_uncommitted_changes") else "")
        + _variant(setup),
        f"- Machine: {machine['cpu_model']}, {machine['cores']} cores, "
        f"{machine['memory_gib']} GiB; {machine['os']} (kernel {machine['kernel']}); "
        f"Python {machine['python']}",
        f"- Pinning: client on CPU {setup['client_cpu']}, server on CPU {setup['server_cpu']}; "
        f"load average at start {setup['load_average_start'][0]:.2f}, at end "
        f"{setup.get('load_average_end', [0.0])[0]:.2f} (the machine is shared: other work "
        "shows in the spreads)",
        "",
        "## Targets",
        "",
        "| target | measured | verdict |",
        "| --- | --- | --- |",
    ]
    for target in results["targets"]:
        measured = "-" if target["measured"] is None else f"{target['measured']:g}"
        note = f" ({target['note']})" if target["note"] else ""
        lines.append(
            f"| {target['requirement']} | {measured}{note} | {_verdict(target['passed'])} |"
        )
    lines += _import_section(found) + _throughput_section(found) + _numpy_section(found)
    lines += _stream_section(found) + _real_section(found) + _nodes_section(found)
    if FINDINGS.exists():
        lines += ["", FINDINGS.read_text().rstrip()]
    return "\n".join(lines) + "\n"


def _variant(setup: dict[str, Any]) -> str:
    """What was measured instead of the checkout's rf-client, if anything."""
    text = ""
    if setup.get("rf_client_source"):
        text += f", rf-client from {setup['rf_client_source'][0]}"
    return text


def _import_section(found: dict[str, Any]) -> list[str]:
    data = found.get("import_time")
    if data is None:
        return []
    rows = [
        f"| {client} | {_range(_scale(data[client]['import_seconds'], 1000), 1)} | "
        f"{_range(_scale(data[client]['process_seconds'], 1000), 1)} |"
        for client in (RF, SDK)
    ]
    return [
        "",
        "## 1. Import time of `InferenceHTTPClient` (fresh interpreter, ms)",
        "",
        "| client | import | whole process |",
        "| --- | --- | --- |",
        *rows,
        "",
        f"Ratio rf-client / inference-sdk: import {data['ratio']:.3f}, whole process "
        f"{data['process_ratio']:.3f}.",
        *_cold_start_lines(found),
    ]


def _cold_start_lines(found: dict[str, Any]) -> list[str]:
    data = found.get("cold_start")
    if data is None:
        return []
    rows = [
        f"| {client} | {_range(_scale(data[client]['import_seconds'], 1000))} | "
        f"{_range(_scale(data[client]['first_call_seconds'], 1000))} | "
        f"{_range(_scale(data[client]['total_seconds'], 1000))} |"
        for client in (RF, SDK)
    ]
    return [
        "",
        "Cold start in a fresh process (ms): import, then construct the client and get the",
        "first `infer` result from the instant server (what a short script waits for).",
        "",
        "| client | import | construct + first infer | total |",
        "| --- | --- | --- | --- |",
        *rows,
        "",
        f"Ratio rf-client / inference-sdk, total: {data['ratio']:.3f}.",
    ]


def _scale(summary: dict[str, Any], factor: float) -> dict[str, Any]:
    return {key: summary[key] * factor for key in ("median", "min", "max")}


def _throughput_section(found: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    calls = found.get("requests_per_call")
    if calls is not None:
        lines += [
            "",
            "## 2. HTTP requests per v1 `infer` call (instant server, 5 calls)",
            "",
            f"- rf-client: {calls[RF]['per_call']} (the model description is cached per client)",
            f"- inference-sdk: {calls[SDK]['per_call']} (`GET /model/registry` before every call)",
        ]
    data = found.get("instant_throughput")
    if data is None:
        return lines
    lines += [
        "",
        f"## 3. `infer` throughput, {data['images']} image files (JPEG and PNG), instant server",
        "",
        "Images/s and client CPU ms per image. `raw-httpx`: one pooled `httpx.Client` posting",
        "pre-encoded bodies (the ceiling); `raw-httpx-encode`: the same, reading and",
        "base64-encoding each file per request (the least work any client must do).",
        "",
        "| concurrency | client | images/s | CPU ms/image | server CPU share |",
        "| --- | --- | --- | --- | --- |",
    ]
    for concurrency, entry in data["concurrency"].items():
        for client in (RAW, RAW_ENCODE, RF, SDK):
            row = entry[client]
            share = row.get("server_cpu_share")
            lines.append(
                f"| {concurrency} | {client} | {_range(row['images_per_second'])} | "
                f"{_range(row['cpu_ms_per_image'], 2)} | "
                f"{'-' if share is None else format(share['median'], '.0%')} |"
            )
    lines.append("")
    for concurrency, entry in data["concurrency"].items():
        ratios = entry["ratios"]
        lines.append(
            f"- concurrency {concurrency}: rf-client / inference-sdk "
            f"{ratios['rf_client_vs_sdk']:.2f}x; / raw ceiling {ratios['rf_client_vs_raw']:.2f}x;"
            f" / raw with encoding {ratios['rf_client_vs_raw_encode']:.2f}x"
        )
    lines += _encode_cost_lines(found, data)
    sizes = data["request_body_bytes"]
    lines.append(
        "- mean request body: "
        + ", ".join(
            f"{client} {sizes[client].get('POST /infer/object_detection', 0) / 1024:.0f} KiB"
            for client in (RAW, RF, SDK)
            if client in sizes
        )
    )
    return lines


def _encode_cost_lines(found: dict[str, Any], throughput: dict[str, Any]) -> list[str]:
    """The per-image CPU floor: what any client pays for the same files, step by step."""
    costs = _get(found, "encode_costs", "cpu_ms_per_image")
    if costs is None:
        return []
    post = {
        concurrency: entry[RAW]["cpu_ms_per_image"]["median"]
        for concurrency, entry in throughput["concurrency"].items()
    }
    steps = {name: costs[name]["median"] for name in ("read", "base64", "header")}
    floor = {c: steps["read"] + steps["base64"] + cost for c, cost in post.items()}
    return [
        "- per-image CPU of the steps alone (same files, no server): read "
        f"{_range(costs['read'], 3)} ms, base64 {_range(costs['base64'], 3)} ms, image header "
        f"parsed (an up-front check) {_range(costs['header'], 3)} ms; one pooled httpx POST of "
        "the encoded body (raw-httpx) "
        + ", ".join(f"{cost:.2f} ms at concurrency {c}" for c, cost in post.items()),
        "- CPU floor of any client sending each file in its own request (read + base64 + POST): "
        + ", ".join(
            f"{cost:.2f} ms/image at concurrency {c} ({1000 / cost:.0f} images/s on one core)"
            for c, cost in floor.items()
        ),
    ]


def _numpy_section(found: dict[str, Any]) -> list[str]:
    data = found.get("numpy_cpu")
    if data is None:
        return []
    lines = [
        "",
        f"## 4. numpy input: client CPU per {data['size']} BGR frame (one `infer` per frame)",
        "",
        "Process CPU ms per frame, measured in the client's own process (its OpenCV build).",
        "",
        "| client | bare `cv2.imencode` + base64 | through the client | ratio |",
        "| --- | --- | --- | --- |",
    ]
    for client in (RF, SDK):
        row = data[client]
        lines.append(
            f"| {client} | {_range(row['bare_encode_cpu_ms'], 2)} | "
            f"{_range(row['client_cpu_ms'], 2)} | {row['ratio_to_bare']:.2f} |"
        )
    floor = data[RF].get("raw_post_cpu_ms")
    if floor is not None:
        lines += [
            "",
            f"Floor of any client posting one frame per request (encode + one pooled httpx "
            f"POST, reply parsed, no validation): {_range(floor, 2)} ms, "
            f"{data[RF]['raw_post_ratio_to_bare']:.2f}x the bare encode.",
        ]
    return lines


def _stream_section(found: dict[str, Any]) -> list[str]:
    data = found.get("stream_memory")
    if data is None:
        return []
    lines = ["", "## 5. Memory over `infer_on_stream` (2,000 items)", ""]
    if "skipped" in data:
        return [*lines, f"Not measured: {data['skipped']}."]
    lines += [
        f"RSS growth from item {data['warmup_items']} to the end (peak, sampled every 10 ms).",
        "",
        "| source | client | items | items/s | RSS after warm-up (MB) | peak (MB) | growth (MB) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for source in ("video", "folder"):
        for client in (RF, SDK):
            row = data[source][client]
            lines.append(
                f"| {source} | {client} | {row['items']} | "
                f"{row['items'] / row['timing']['seconds']:.0f} | "
                f"{row['rss_after_warmup'] / MB:.0f} | {row['rss_peak_after_warmup'] / MB:.0f} | "
                f"{row['growth_bytes'] / MB:.1f} |"
            )
    return lines


def _real_section(found: dict[str, Any]) -> list[str]:
    data = found.get("real_server")
    if data is None:
        return []
    lines = [
        "",
        f"## 6. Real inference 1.8.3 server ({data['server']['model']}, model-free QR workflow)",
        "",
        "Not pinned (see `bench/real.py`: onnxruntime's thread pool on a single core halves the",
        "server's speed); each client warms the server up before its timed rounds. `infer`:",
        f"{data['infer']['images']} image files per call; workflow: one QR image per call.",
        "",
        "The ratio is the median of per-round ratios (the clients run back to back in each",
        "round), which the server's drift between a faster and a slower state affects least;",
        "the (min-max) of those ratios shows the run-to-run spread.",
        "",
        "| call | concurrency | rf-client (images/s) | inference-sdk (images/s) | ratio |",
        "| --- | --- | --- | --- | --- |",
    ]
    for kind in ("infer", "workflow"):
        entry = data.get(kind, {})
        if "skipped" in entry:
            lines.append(f"| {kind} | - | not measured: {entry['skipped']} | | |")
            continue
        for concurrency in ("1", "8"):
            rates = entry["images_per_second"]
            lines.append(
                f"| {kind} | {concurrency} | {_range(rates[RF][concurrency], 1)} | "
                f"{_range(rates[SDK][concurrency], 1)} | "
                f"{_range(entry['paired_ratios'][concurrency], 2)} |"
            )
    return lines


def _nodes_section(found: dict[str, Any]) -> list[str]:
    data = found.get("nodes")
    if data is None:
        return []
    latency_ms = data["latency_seconds"] * 1000
    one_node = 1 / data["latency_seconds"]
    lines = [
        "",
        f"## 7. One client over {data['nodes']} servers (loopback nodes, {latency_ms:.0f} ms "
        "per inference)",
        "",
        f"Run {data['generated_at']} on rf-client commit {data['rf_client_commit']}"
        + (" plus uncommitted changes" if data["rf_client_uncommitted_changes"] else "")
        + f", on the machine above; load average {data['load_average'][0]:.2f} at start, "
        f"{data['load_average'][1]:.2f} at end.",
        "",
        f"Each node (`bench/latency_server.py`, its own process, all on the server CPU) "
        f"answers one inference at a time after {latency_ms:.0f} ms, so one node serves at "
        f"most {one_node:.0f} images/s and {data['nodes']} serve {data['nodes'] * one_node:.0f}. "
        "The client runs in its own pinned process, `max_concurrent_requests` as in the "
        f"table, one image per request, over {data['images']} JPEGs of distinct sizes; each "
        "node echoes the size it read, so every result is checked against its input. "
        "rf-client over one node gets the URL as a string; inference-sdk 1.8.3 has no list "
        f"of servers and is measured over one node. Medians (min-max) of {data['rounds']} "
        "rounds, one timed batch per client and round, after a warm-up batch.",
        "",
        "Killed: three fresh nodes, the second SIGKILLed once a third of the batch is "
        "answered (its in-flight requests are cut and sent again to the others). Dead: the "
        "second of three URLs is a loopback port where nothing listens.",
        "",
        f"Ceilings set by the nodes alone: {data['nodes'] * one_node:.0f} images/s over "
        f"{data['nodes']}, {one_node:.0f} over one, {(data['nodes'] - 1) * one_node:.0f} with "
        f"one dead, {_killed_ceiling(data['nodes'], one_node):.1f} with one killed after a "
        "third of the batch. At concurrency 3 each node has one request in flight, so it idles "
        "for the client's turn-around between an answer and the next request; at 6 the next "
        "one is already queued at the node.",
        "",
        "| concurrency | setup | images/s | vs rf-client over 3 | results wrong or lost |",
        "| --- | --- | --- | --- | --- |",
    ]
    three = f"{RF} over {data['nodes']} nodes"
    for concurrency, entry in data["concurrency"].items():
        base = entry[three]["images_per_second"]["median"]
        for name in (three, f"{RF} over 1 node", f"{SDK} over 1 node", "killed", "dead"):
            row = entry[name]
            label = {
                "killed": f"{RF} over {data['nodes']}, one killed mid-batch",
                "dead": f"{RF} over {data['nodes']}, one dead from the start",
            }.get(name, name)
            rate = row["images_per_second"]
            wrong = row["wrong_results"] + len(row["errors"])
            lines.append(
                f"| {concurrency} | {label} | {_range(rate, 1)} | "
                f"{rate['median'] / base:.2f}x | {wrong} of {row['runs']} x {data['images']} |"
            )
    lines.append("")
    for concurrency, entry in data["concurrency"].items():
        ratios = entry["ratios"]
        killed = entry["killed"]
        stats = ", ".join(
            f"{node['sent']} sent / {node['failed']} failed"
            + ("" if node["healthy"] else " (out of rotation)")
            for node in killed["node_stats_last_run"]
        )
        lines.append(
            f"- concurrency {concurrency}: 3 nodes / 1 node {ratios['three_vs_one']:.2f}x "
            f"(target >= {data['target_speedup']}x); rf-client / inference-sdk over one node "
            f"{ratios['one_rf_client_vs_sdk']:.2f}x; killed node after "
            f"{_median_int(killed['killed_after'])} answers (median); its last run's "
            f"`node_stats()` (warm-up included): {stats}"
        )
    errors = [
        error
        for entry in data["concurrency"].values()
        for name, row in entry.items()
        if name != "ratios"
        for error in row["errors"]
    ]
    if errors:
        lines.append(f"- **errors**: {'; '.join(errors[:5])}")
    return lines


def _killed_ceiling(nodes: int, one_node: float) -> float:
    """Images/s of a batch whose first third runs on ``nodes`` nodes and the rest on one
    fewer, each node at ``one_node`` images/s."""
    seconds = (1 / 3) / (nodes * one_node) + (2 / 3) / ((nodes - 1) * one_node)
    return 1 / seconds


def _median_int(values: list[int]) -> str:
    return str(sorted(values)[len(values) // 2]) if values else "-"
