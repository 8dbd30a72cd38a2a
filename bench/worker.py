"""Client-side measurements, each run in a fresh process: ``python -m bench.worker '<task>'``.

The same module runs under the project's virtualenv (rf-client, and the raw httpx ceiling)
and under ``bench/.venvs/sdk`` (inference-sdk 1.8.3), so it imports only the standard library
at module level; the client package, numpy, OpenCV and httpx load inside the measurement
that needs them. The task is a JSON object (``kind``, ``client``, ``url``, ...); the result is
one JSON object printed as the last line of standard output.

The worker pins itself to ``task["cpu"]`` first, so the client under test never shares a core
with the server it talks to.
"""

from __future__ import annotations

import base64
import importlib
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, TypedDict

CLIENT_PACKAGES = {"rf-client": "rf_client", "inference-sdk": "inference_sdk"}
"""The import name of each client under test."""

JPEG_QUALITY = 95
"""OpenCV's default JPEG quality, which both clients use for arrays."""


class BenchClient(Protocol):
    """The part of ``InferenceHTTPClient`` the benchmarks call (both clients have it)."""

    def configure(self, inference_configuration: Any) -> Any:
        """Replace the inference configuration."""

    def infer(self, inference_input: Any, model_id: str | None = None) -> Any:
        """Run a model on one image or a list."""


class Timing(TypedDict):
    """One timed section: wall-clock and client-process CPU seconds, server CPU seconds."""

    seconds: float
    cpu_seconds: float
    server_cpu_seconds: float | None


Task = dict[str, Any]
Result = dict[str, Any]


def _package(client: str) -> Any:
    return importlib.import_module(CLIENT_PACKAGES[client])


def make_client(client: str, url: str, concurrency: int = 1) -> BenchClient:
    """An ``InferenceHTTPClient`` of ``client`` for ``url`` with ``max_concurrent_requests``."""
    package = _package(client)
    instance: BenchClient = package.InferenceHTTPClient(api_url=url, api_key=None)
    configure(instance, client, concurrency)
    return instance


def configure(instance: BenchClient, client: str, concurrency: int) -> None:
    """Set ``max_concurrent_requests`` (everything else at its default)."""
    package = _package(client)
    instance.configure(package.InferenceConfiguration(max_concurrent_requests=concurrency))


def process_cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU seconds of process ``pid`` (all its threads), None without a pid."""
    if pid is None:
        return None
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


@contextmanager
def timed(server_pid: int | None) -> Iterator[Timing]:
    """Time the ``with`` body: wall-clock, this process's CPU, the server process's CPU."""
    timing = Timing(seconds=0.0, cpu_seconds=0.0, server_cpu_seconds=None)
    server_before = process_cpu_seconds(server_pid)
    cpu_before = time.process_time()
    start = time.perf_counter()
    yield timing
    timing["seconds"] = time.perf_counter() - start
    timing["cpu_seconds"] = time.process_time() - cpu_before
    server_after = process_cpu_seconds(server_pid)
    if server_before is not None and server_after is not None:
        timing["server_cpu_seconds"] = server_after - server_before


def server_stats(url: str) -> dict[str, dict[str, int]]:
    """The instant server's counters since its last reset: ``{"requests": {route: n},
    "body_bytes": {route: bytes}}``, routes as ``"POST /infer/object_detection"``."""
    import urllib.request

    with urllib.request.urlopen(url + "/__stats", timeout=10) as response:
        stats: dict[str, dict[str, int]] = json.loads(response.read())
    return stats


def request_body_sizes(url: str) -> dict[str, float]:
    """Mean request body bytes per route since the last reset (what the client sent)."""
    stats = server_stats(url)
    return {
        route: stats["body_bytes"].get(route, 0) / count
        for route, count in stats["requests"].items()
        if count
    }


def reset_server_stats(url: str) -> None:
    """Clear the instant server's counters."""
    import urllib.request

    request = urllib.request.Request(url + "/__reset", data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass


# Measurements.


def cold_start(task: Task) -> Result:
    """Seconds to import the client, construct it and get the first ``infer`` result.

    Run first thing in a fresh process: the first call pays for whatever the client loads
    lazily (rf-client imports its generated models then).
    """
    start = time.perf_counter()
    package = _package(task["client"])
    imported = time.perf_counter()
    client = package.InferenceHTTPClient(api_url=task["url"], api_key=None)
    result = client.infer(task["image"], model_id=task["model_id"])
    done = time.perf_counter()
    if not isinstance(result, dict):
        raise RuntimeError(f"infer answered {type(result).__name__}")
    return {"import_seconds": imported - start, "first_call_seconds": done - imported}


def requests_per_call(task: Task) -> Result:
    """HTTP requests the server receives for each of ``calls`` single-image infer calls."""
    client = make_client(task["client"], task["url"])
    counts: list[dict[str, int]] = []
    for _ in range(task["calls"]):
        reset_server_stats(task["url"])
        client.infer(task["image"], model_id=task["model_id"])
        counts.append(server_stats(task["url"])["requests"])
    return {"per_call": [sum(c.values()) for c in counts], "routes": counts}


def throughput(task: Task) -> Result:
    """``infer`` over every path of ``images`` at each of ``concurrencies``, after a warm-up."""
    client = make_client(task["client"], task["url"])
    images: list[str] = task["images"]
    # The warm-up opens a connection and lets a client cache the model's description.
    client.infer(images[0], model_id=task["model_id"])
    instant = task.get("instant", False)  # only the instant server counts request bodies
    if instant:
        reset_server_stats(task["url"])
    runs: dict[str, list[Timing]] = {}
    for concurrency in task["concurrencies"]:
        configure(client, task["client"], concurrency)
        for _ in range(task["repeats"]):
            with timed(task.get("server_pid")) as timing:
                results = client.infer(images, model_id=task["model_id"])
            _expect_results(results, len(images))
            runs.setdefault(str(concurrency), []).append(timing)
    sizes = request_body_sizes(task["url"]) if instant else {}
    return {"images": len(images), "runs": runs, "body_bytes": sizes}


def _expect_results(results: object, count: int) -> None:
    if not isinstance(results, list) or len(results) != count:
        raise RuntimeError(f"expected {count} results, got {type(results).__name__}")
    if not all(isinstance(result, dict) and "predictions" in result for result in results):
        raise RuntimeError("a result has no predictions")


def raw_payloads(images: Sequence[str], model_id: str) -> list[bytes]:
    """The JSON bodies both clients send for ``images`` with their default configuration
    (client-side downsizing off): the file's bytes as base64, and the model id."""
    bodies = []
    for path in images:
        body = {
            "model_id": model_id,
            "image": {
                "type": "base64",
                "value": base64.b64encode(Path(path).read_bytes()).decode("ascii"),
            },
        }
        bodies.append(json.dumps(body, separators=(",", ":")).encode())
    return bodies


def raw_httpx(task: Task) -> Result:
    """The ceiling: one pooled ``httpx.Client`` posting the bodies from N threads.

    With ``encode`` false the bodies are encoded before timing (the transport's ceiling);
    with ``encode`` true each request reads its file and base64-encodes it first, the least
    work any client must do per image (its JSON framing is spliced around the base64 text,
    which needs no escaping).
    """
    import httpx

    images: list[str] = task["images"]
    model_id: str = task["model_id"]
    url = task["url"] + "/infer/object_detection"
    headers = {"content-type": "application/json"}
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=32)
    prefix = json.dumps({"model_id": model_id, "image": {"type": "base64"}})[:-2].encode()
    runs: dict[str, list[Timing]] = {}

    def encoded(path: str) -> bytes:
        value = base64.b64encode(Path(path).read_bytes())
        return b"".join((prefix, b',"value":"', value, b'"}}'))

    with httpx.Client(limits=limits) as http:

        def post(body: bytes | str) -> object:
            data = encoded(body) if isinstance(body, str) else body
            response = http.post(url, content=data, headers=headers)
            response.raise_for_status()
            return response.json()

        bodies: list[bytes | str] = (
            list(images) if task["encode"] else list(raw_payloads(images, model_id))
        )
        post(bodies[0])
        reset_server_stats(task["url"])
        for concurrency in task["concurrencies"]:
            for _ in range(task["repeats"]):
                with timed(task.get("server_pid")) as timing:
                    if concurrency <= 1:
                        answers = [post(body) for body in bodies]
                    else:
                        with ThreadPoolExecutor(concurrency) as pool:
                            answers = list(pool.map(post, bodies))
                if len(answers) != len(bodies):
                    raise RuntimeError("the raw loop lost answers")
                runs.setdefault(str(concurrency), []).append(timing)
    return {"images": len(bodies), "runs": runs, "body_bytes": request_body_sizes(task["url"])}


def encode_costs(task: Task) -> Result:
    """CPU seconds per image of reading each file, base64-encoding it and parsing its header.

    Each step is timed alone over every image, ``repeats`` times (the files are in the page
    cache after the first pass, as they are in the throughput runs).
    """
    import io

    from PIL import Image

    paths = [Path(path) for path in task["images"]]
    contents = [path.read_bytes() for path in paths]

    def read() -> None:
        for path in paths:
            path.read_bytes()

    def encode() -> None:
        for data in contents:
            base64.b64encode(data)

    def header() -> None:
        for data in contents:
            with Image.open(io.BytesIO(data)) as image:
                _ = image.size

    steps: dict[str, Callable[[], None]] = {"read": read, "base64": encode, "header": header}
    samples: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(task["repeats"]):
        for name, step in steps.items():
            with timed(None) as timing:
                step()
            samples[name].append(timing["cpu_seconds"] / len(paths))
    return {"images": len(paths), "cpu_seconds_per_image": samples}


def numpy_frames(source: str, count: int, width: int, height: int) -> list[Any]:
    """``count`` BGR frames of ``width`` x ``height`` cut from ``source``, each different."""
    import cv2
    import numpy as np

    image = cv2.imread(source, cv2.IMREAD_COLOR)
    if image is None:
        raise RuntimeError(f"OpenCV cannot read {source}")
    base = cv2.resize(image, (width, height))
    # Eight distinct frames (rolled copies) stand in for a video without keeping 200 in memory.
    distinct = [np.ascontiguousarray(np.roll(base, shift * 37, axis=1)) for shift in range(8)]
    return [distinct[index % len(distinct)] for index in range(count)]


def numpy_cpu(task: Task) -> Result:
    """Client CPU per numpy frame (one ``infer`` per frame) and bare encode CPU per frame.

    They alternate ``rounds`` times in this process, with the same OpenCV build. Where httpx
    is installed (the project's venv), a third runner encodes each frame and posts it with a
    pooled ``httpx.Client``: the floor of any Python client that sends one frame per request.
    """
    import cv2

    frames = numpy_frames(task["source"], task["frames"], task["width"], task["height"])
    client = make_client(task["client"], task["url"])
    client.infer(frames[0], model_id=task["model_id"])
    params = [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY]
    prefix = json.dumps({"model_id": task["model_id"], "image": {"type": "base64"}})[:-2]

    def bare() -> None:
        for frame in frames:
            ok, encoded = cv2.imencode(".jpg", frame, params)
            assert ok
            base64.b64encode(encoded.tobytes())

    def through_client() -> None:
        for frame in frames:
            client.infer(frame, model_id=task["model_id"])

    runners: dict[str, Callable[[], None]] = {"bare": bare, "client": through_client}
    try:
        import httpx
    except ImportError:
        http = None
    else:
        http = httpx.Client()
        url = task["url"] + "/infer/object_detection"
        headers = {"content-type": "application/json"}

        def raw_post() -> None:
            assert http is not None
            for frame in frames:
                ok, encoded = cv2.imencode(".jpg", frame, params)
                assert ok
                value = base64.b64encode(encoded.tobytes())
                body = b"".join((prefix.encode(), b',"value":"', value, b'"}}'))
                response = http.post(url, content=body, headers=headers)
                response.raise_for_status()
                response.json()

        raw_post()
        runners["raw_post"] = raw_post
    samples: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(task["rounds"]):
        for name, runner in runners.items():
            with timed(None) as timing:
                runner()
            samples[name].append(timing["cpu_seconds"] / len(frames))
    if http is not None:
        http.close()
    return {
        "frames": len(frames),
        "bare_cpu_per_frame": samples["bare"],
        "client_cpu_per_frame": samples["client"],
        "raw_post_cpu_per_frame": samples.get("raw_post", []),
    }


class RSSSampler:
    """Samples this process's resident set size every ``interval`` seconds, in a thread."""

    def __init__(self, interval: float = 0.01) -> None:
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self.peak = current_rss()

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            self.peak = max(self.peak, current_rss())

    def __enter__(self) -> RSSSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, current_rss())


def current_rss() -> int:
    """This process's resident set size in bytes."""
    resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE")


def stream_memory(task: Task) -> Result:
    """Peak RSS while ``infer_on_stream`` runs over ``source`` (a video or a folder).

    Growth is measured from the RSS after ``warmup_items`` items (decoder, connection and
    client caches are set up by then) to the peak over the rest of the stream.
    """
    client: Any = make_client(task["client"], task["url"])
    warmup = task["warmup_items"]
    items = 0
    rss_at_start = current_rss()
    rss_after_warmup = rss_at_start
    samples: list[tuple[int, int]] = []
    with RSSSampler() as sampler, timed(task.get("server_pid")) as timing:
        for _reference, _frame, prediction in client.infer_on_stream(
            task["source"], model_id=task["model_id"]
        ):
            if not isinstance(prediction, dict):
                raise RuntimeError(f"stream item {items} is not a prediction")
            items += 1
            if items == warmup:
                rss_after_warmup = current_rss()
                sampler.peak = rss_after_warmup
            if items % 250 == 0:
                samples.append((items, current_rss()))
    return {
        "items": items,
        "timing": timing,
        "rss_at_start": rss_at_start,
        "rss_after_warmup": rss_after_warmup,
        "rss_peak_after_warmup": sampler.peak,
        "growth_bytes": sampler.peak - rss_after_warmup,
        "rss_samples": samples,
    }


def _run_in_threads(calls: Sequence[Callable[[], object]], concurrency: int) -> list[object]:
    if concurrency <= 1:
        return [call() for call in calls]
    with ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(lambda call: call(), calls))


def workflow_throughput(task: Task) -> Result:
    """``run_workflow`` with an inline specification, one image per call, from N threads."""
    client: Any = make_client(task["client"], task["url"])
    specification = task["specification"]
    images: list[str] = task["images"]

    def call(path: str) -> Callable[[], object]:
        return lambda: client.run_workflow(specification=specification, images={"image": path})

    first = call(images[0])()
    if not isinstance(first, list) or not first:
        raise RuntimeError(f"run_workflow answered {first!r}")
    runs: dict[str, list[Timing]] = {}
    for concurrency in task["concurrencies"]:
        for _ in range(task["repeats"]):
            with timed(task.get("server_pid")) as timing:
                outputs = _run_in_threads([call(path) for path in images], concurrency)
            if len(outputs) != len(images):
                raise RuntimeError("run_workflow lost results")
            runs.setdefault(str(concurrency), []).append(timing)
    return {"images": len(images), "runs": runs}


def order_mismatches(results: object, sizes: Sequence[Sequence[int]]) -> list[int]:
    """Indices of ``sizes`` whose result is missing or is not that input's answer.

    The many-servers benchmark gives every input its own (width, height), which its nodes
    echo in ``image``: result ``i`` belongs to input ``i`` exactly when the sizes agree.
    """
    answers = results if isinstance(results, list) else []
    wrong = []
    for index, (width, height) in enumerate(sizes):
        answer = answers[index] if index < len(answers) else None
        image = answer.get("image") if isinstance(answer, dict) else None
        if not isinstance(image, dict) or (image.get("width"), image.get("height")) != (
            width,
            height,
        ):
            wrong.append(index)
    return wrong


class _Killer(threading.Thread):
    """SIGKILLs process ``pid`` once the nodes at ``stats_urls`` answered ``after`` inferences
    more than when it started (polled every 5 ms): a node dying mid-batch."""

    def __init__(self, pid: int, stats_urls: Sequence[str], after: int) -> None:
        super().__init__(daemon=True)
        self._pid = pid
        self._urls = list(stats_urls)
        self._baseline = self._answered()
        self._after = after
        self._done = threading.Event()
        self.killed_at: int | None = None  # inferences answered since the start, at the kill

    def _answered(self) -> int:
        import urllib.request

        total = 0
        for url in self._urls:
            with urllib.request.urlopen(url + "/__stats", timeout=10) as response:
                total += int(json.loads(response.read())["answered"])
        return total

    def run(self) -> None:
        while not self._done.wait(0.005):
            done = self._answered() - self._baseline
            if done >= self._after:
                os.kill(self._pid, signal.SIGKILL)  #: no goodbye, connections cut mid-request
                self.killed_at = done
                return

    def stop(self) -> None:
        """Stop polling (the batch is over)."""
        self._done.set()
        self.join()


def nodes_throughput(task: Task) -> Result:
    """``infer`` over ``images`` through a client of ``urls`` (one URL: a plain string), with
    ``max_concurrent_requests`` ``concurrency`` and one image per request, ``repeats`` times
    after a warm-up; each result checked against its input's size (``sizes``).

    ``kill`` (``{"pid", "stats_urls", "after"}``): SIGKILL that node once the others and it
    answered ``after`` inferences of the timed batch (one repeat then makes sense).
    """
    urls: list[str] = task["urls"]
    package = _package(task["client"])
    client: Any = package.InferenceHTTPClient(
        api_url=urls[0] if len(urls) == 1 else urls, api_key=None
    )
    client.configure(
        package.InferenceConfiguration(
            max_concurrent_requests=task["concurrency"], max_batch_size=1
        )
    )
    images: list[str] = task["images"]
    sizes: list[list[int]] = task["sizes"]
    # The warm-up opens a connection to (and caches the model description of) every live node.
    client.infer(images[: len(urls)], model_id=task["model_id"])
    runs: list[Timing] = []
    checks: list[dict[str, Any]] = []
    kill = task.get("kill")
    for _ in range(task["repeats"]):
        killer = None if kill is None else _Killer(kill["pid"], kill["stats_urls"], kill["after"])
        error = None
        with timed(None) as timing:
            if killer is not None:
                killer.start()
            try:
                results = client.infer(images, model_id=task["model_id"])
            except Exception as failure:  # noqa: BLE001 - recorded: the report shows what failed
                results, error = [], f"{type(failure).__name__}: {failure}"
        if killer is not None:
            killer.stop()
        wrong = order_mismatches(results, sizes)
        checks.append(
            {
                "results": len(results) if isinstance(results, list) else 0,
                "wrong": len(wrong),
                "first_wrong": wrong[:5],
                "error": error,
                "killed_after": None if killer is None else killer.killed_at,
            }
        )
        runs.append(timing)
    stats = client.node_stats() if hasattr(client, "node_stats") else ()
    return {
        "images": len(images),
        "runs": runs,
        "checks": checks,
        "node_stats": [
            {
                "url": node.url,
                "healthy": node.healthy,
                "sent": node.sent,
                "succeeded": node.succeeded,
                "failed": node.failed,
            }
            for node in stats
        ],
    }


MEASUREMENTS: dict[str, Callable[[Task], Result]] = {
    "cold_start": cold_start,
    "requests_per_call": requests_per_call,
    "throughput": throughput,
    "raw_httpx": raw_httpx,
    "encode_costs": encode_costs,
    "numpy_cpu": numpy_cpu,
    "stream_memory": stream_memory,
    "workflow_throughput": workflow_throughput,
    "nodes_throughput": nodes_throughput,
}


def main(argv: list[str]) -> None:
    """Run the task given as JSON in ``argv[0]``; print its result as one JSON line."""
    task: Task = json.loads(argv[0])
    if task.get("cpu") is not None:
        os.sched_setaffinity(0, {task["cpu"]})
    if task.get("rf_source"):
        # A patched copy of the tree: its packages win over the checkout's (``-m`` put the
        # checkout first on the path).
        sys.path[:0] = task["rf_source"]
    result = MEASUREMENTS[task["kind"]](task)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
