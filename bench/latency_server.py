"""A loopback node for the many-servers benchmark: one inference at a time, fixed latency.

Each ``POST /infer/object_detection`` waits its turn (a lock: the node answers ONE request at
a time, like a server with one busy GPU), then ``--latency`` seconds, then answers a valid
object-detection prediction whose ``image`` holds the width and height read from the image
it was sent: the benchmark gives every input a different size, so it can tell each result
belongs to its input. ``GET /model/registry``, ``POST /model/add`` and ``GET /info`` (the
client's health probe) answer at once, as on the instant server. ``GET /__stats`` reports
the requests received per route and the inferences answered (not counted itself).

``python -m bench.latency_server --port 0 --latency 0.04`` prints the port it bound on its
first line of output, then serves until it is terminated (or killed: the benchmark SIGKILLs
one node mid-batch).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import io
import json
import os
import signal
import sys
from collections import Counter

from PIL import Image, UnidentifiedImageError

from bench.instant_server import INFO, REGISTRY, response

_NOT_FOUND = response(404, {"message": "no such route on the benchmark node"})
_MAX_HEAD = 64 * 1024


class Node:
    """The node's state: its latency, its one-at-a-time lock and its counters."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.lock = asyncio.Lock()
        self.requests: Counter[str] = Counter()
        self.answered = 0

    async def answer(self, method: str, path: str, body: bytes) -> bytes:
        """The whole HTTP response to one request."""
        if path == "/__stats":
            return response(200, {"requests": dict(self.requests), "answered": self.answered})
        self.requests[f"{method} {path}"] += 1
        if (method, path) == ("GET", "/model/registry") or (method, path) == (
            "POST",
            "/model/add",
        ):
            return response(200, REGISTRY)
        if (method, path) == ("GET", "/info"):
            return response(200, INFO)
        if (method, path) != ("POST", "/infer/object_detection"):
            return _NOT_FOUND
        try:
            sizes = _image_sizes(body)
        except (ValueError, KeyError, TypeError, binascii.Error, UnidentifiedImageError) as error:
            return response(400, {"message": f"unreadable inference request: {error}"})
        async with self.lock:
            await asyncio.sleep(self.latency)
            self.answered += 1
        predictions = [_prediction(width, height) for width, height in sizes]
        return response(200, predictions[0] if len(predictions) == 1 else predictions)


def _image_sizes(body: bytes) -> list[tuple[int, int]]:
    """(width, height) of each base64 image of an inference request body."""
    request = json.loads(body)
    images = request["image"]
    sizes = []
    for image in images if isinstance(images, list) else [images]:
        data = base64.b64decode(image["value"], validate=True)
        with Image.open(io.BytesIO(data)) as opened:
            sizes.append(opened.size)
    return sizes


def _prediction(width: int, height: int) -> dict[str, object]:
    """One box in the middle of the image: the answer carries the image's own size."""
    return {
        "inference_id": None,
        "time": 0.001,
        "image": {"width": width, "height": height},
        "predictions": [
            {
                "x": width / 2,
                "y": height / 2,
                "width": width / 4,
                "height": height / 4,
                "confidence": 0.9,
                "class": "cat",
                "class_id": 0,
                "detection_id": "9b6c2d1e-0000-4000-8000-000000000000",
            }
        ],
    }


async def _serve_connection(
    node: Node, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """Keep-alive HTTP/1.1 with Content-Length bodies, one request after the other."""
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, version = lines[0].split(" ", 2)
            length = 0
            close = version.strip() == "HTTP/1.0"
            for line in lines[1:]:
                name, _, value = line.partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value.strip())
                elif name == "connection":
                    close = value.strip().lower() == "close"
            body = await reader.readexactly(length) if length else b""
            writer.write(await node.answer(method, target.split("?", 1)[0], body))
            await writer.drain()
            if close:
                break
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, ValueError):
        pass  # the client went away or sent something this node does not speak
    finally:
        writer.close()


async def serve(port: int, latency: float, cpu: int | None) -> None:
    """Serve on 127.0.0.1:``port`` (0: any free port) until SIGTERM or SIGINT."""
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    node = Node(latency)
    server = await asyncio.start_server(
        lambda reader, writer: _serve_connection(node, reader, writer),
        "127.0.0.1",
        port,
        backlog=1024,
        reuse_address=True,
        limit=_MAX_HEAD,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    """``python -m bench.latency_server [--port P] [--latency S] [--cpu N]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any)")
    parser.add_argument("--latency", type=float, default=0.04, help="seconds per inference")
    parser.add_argument("--cpu", type=int, default=None, help="pin the node to this CPU")
    arguments = parser.parse_args(argv)
    asyncio.run(serve(arguments.port, arguments.latency, arguments.cpu))


if __name__ == "__main__":
    main(sys.argv[1:])
