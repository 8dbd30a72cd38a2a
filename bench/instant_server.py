"""A loopback inference server that answers at once, for client throughput benchmarks.

It speaks just enough HTTP/1.1 (Content-Length bodies, keep-alive) to serve the routes an
``infer`` call uses: ``GET /model/registry``, ``POST /model/add`` and
``POST /infer/object_detection``, with canned JSON. Request bodies are counted and dropped,
never parsed, so the server's cost per request is a few microseconds plus reading the bytes:
it must never be what limits a client. ``GET /__stats`` reports the requests received per
route (the benchmark counts requests per call with it) and ``POST /__reset`` clears them;
neither is counted.

Standard library only: ``python -m bench.instant_server --port 0`` prints the port it bound
on its first line of output, then serves until it is terminated.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
from collections import Counter

MODEL_ID = "bench/1"
"""The one model the server knows: an object-detection model with a 640x640 input."""

INPUT_SIZE = 640

REGISTRY = {
    "models": [
        {
            "model_id": MODEL_ID,
            "task_type": "object-detection",
            "input_height": INPUT_SIZE,
            "input_width": INPUT_SIZE,
            "batch_size": None,
        }
    ]
}
INFO = {"name": "bench instant server", "version": "1.8.3", "uuid": "bench"}
"""What ``GET /info`` answers (a client's health probe of a server)."""
_PREDICTION = {
    "inference_id": None,
    "time": 0.001,
    "image": {"width": 640, "height": 480},
    "predictions": [
        {
            "x": 320.0,
            "y": 240.0,
            "width": 100.0,
            "height": 80.0,
            "confidence": 0.9,
            "class": "cat",
            "class_id": 0,
            "detection_id": "9b6c2d1e-0000-4000-8000-000000000000",
        }
    ],
}
_MAX_HEAD = 64 * 1024


def response(status: int, payload: object) -> bytes:
    """A whole HTTP/1.1 response with ``payload`` as its JSON body."""
    body = json.dumps(payload).encode()
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 411: "Length Required"}[status]
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "content-type: application/json\r\n"
        f"content-length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


_ROUTES: dict[tuple[str, str], bytes] = {
    ("GET", "/model/registry"): response(200, REGISTRY),
    ("POST", "/model/add"): response(200, REGISTRY),
    ("POST", "/infer/object_detection"): response(200, _PREDICTION),
    ("GET", "/info"): response(200, INFO),
}
_NOT_FOUND = response(404, {"message": "no such route on the benchmark server"})


class Stats:
    """Requests and request-body bytes received per ``"METHOD /path"``."""

    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self.body_bytes: Counter[str] = Counter()

    def snapshot(self) -> dict[str, dict[str, int]]:
        """The counters as JSON-ready dicts."""
        return {"requests": dict(self.requests), "body_bytes": dict(self.body_bytes)}


class _Connection(asyncio.Protocol):
    """One client connection: parse request heads, skip bodies, answer from the canned table."""

    def __init__(self, stats: Stats) -> None:
        self._stats = stats
        self._transport: asyncio.Transport | None = None
        self._head = bytearray()
        self._remaining = 0  # body bytes of the current request still to skip
        self._pending: tuple[str, str, bool] | None = None  # (method, path, close after)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            if self._pending is not None:
                # Inside a body: drop up to what is left of it.
                taken = min(self._remaining, len(view))
                self._remaining -= taken
                view = view[taken:]
                if self._remaining == 0:
                    self._answer()
                continue
            self._head += view
            view = view[len(view) :]
            end = self._head.find(b"\r\n\r\n")
            if end < 0:
                if len(self._head) > _MAX_HEAD:
                    self._fail(400, "request head too large")
                return
            rest = bytes(self._head[end + 4 :])
            if not self._parse_head(bytes(self._head[:end])):
                return
            self._head.clear()
            view = memoryview(rest)
            if self._remaining == 0:
                self._answer()

    def _parse_head(self, head: bytes) -> bool:
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3:
            self._fail(400, "malformed request line")
            return False
        method, target, version = parts
        length = 0
        close = version == "HTTP/1.0"
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value.strip())
            elif name == "transfer-encoding":
                self._fail(411, "send a Content-Length body, not a chunked one")
                return False
            elif name == "connection":
                close = value.strip().lower() == "close"
        self._pending = (method, target.split("?", 1)[0], close)
        self._remaining = length
        self._stats.body_bytes[f"{method} {self._pending[1]}"] += length
        return True

    def _answer(self) -> None:
        assert self._pending is not None
        assert self._transport is not None
        method, path, close = self._pending
        self._pending = None
        if path == "/__stats":
            self._transport.write(response(200, self._stats.snapshot()))
        elif path == "/__reset":
            self._stats.requests.clear()
            self._stats.body_bytes.clear()
            self._transport.write(response(200, {}))
        else:
            self._stats.requests[f"{method} {path}"] += 1
            self._transport.write(_ROUTES.get((method, path), _NOT_FOUND))
        if close:
            self._transport.close()

    def _fail(self, status: int, message: str) -> None:
        assert self._transport is not None
        self._transport.write(response(status, {"message": message}))
        self._transport.close()


async def serve(port: int, cpu: int | None) -> None:
    """Serve on 127.0.0.1:``port`` (0: any free port) until SIGTERM or SIGINT.

    Prints the bound port on its own line once listening. ``cpu`` pins the process to that
    CPU so that it never competes with the client being measured.
    """
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    loop = asyncio.get_running_loop()
    stats = Stats()
    server = await loop.create_server(
        lambda: _Connection(stats), "127.0.0.1", port, backlog=1024, reuse_address=True
    )
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    bound = server.sockets[0].getsockname()[1]
    print(bound, flush=True)
    async with server:
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    """``python -m bench.instant_server [--port P] [--cpu N]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any)")
    parser.add_argument("--cpu", type=int, default=None, help="pin the server to this CPU")
    arguments = parser.parse_args(argv)
    asyncio.run(serve(arguments.port, arguments.cpu))


if __name__ == "__main__":
    main(sys.argv[1:])
