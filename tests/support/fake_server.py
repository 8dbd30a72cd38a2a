"""A scriptable HTTP server on 127.0.0.1 for contract and fault-injection tests.

Each test gets its own server (see the ``fake_server`` fixture in ``tests/conftest.py``). Routes
answer with scripted :class:`Reply` sequences (the last one repeats) or a handler function; every
request is recorded. Faults are replies too: :func:`delay` (before the answer),
:func:`stall_body` (after the headers), :func:`reset`, :func:`truncated`, :func:`redirect`::

    fake_server.on("POST", "/infer/object_detection", json_reply(503), json_reply(200, {...}))
    fake_server.on("GET", "/model/registry", handler=lambda request: json_reply(200, {...}))
    ...
    assert fake_server.requests[0].json()["model_id"] == "coco/3"
"""

from __future__ import annotations

import dataclasses
import email.utils
import json
import socket
import struct
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    received_at: float = 0.0
    """``time.monotonic()`` when the request was read (to measure waits between retries)."""
    client_port: int = 0
    """The client's port: requests on one kept-alive connection share it."""

    def json(self) -> Any:
        """The body decoded as JSON."""
        return json.loads(self.body)

    def param(self, name: str) -> str | None:
        """The first value of query parameter ``name``, or None."""
        values = self.query.get(name)
        return values[0] if values else None


@dataclass(frozen=True)
class Reply:
    """What the server does for one request.

    ``status``/``body``/``headers`` make a normal answer. ``delay_seconds`` waits first.
    ``reset`` drops the connection with a TCP reset instead of answering. ``declared_length``
    announces more body bytes than are sent, then closes (a truncated answer).
    ``body_delay_seconds`` sends the status line and headers, then waits before the body.
    ``chunked`` sends the body with chunked transfer encoding (no ``Content-Length``).
    """

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_seconds: float = 0.0
    reset: bool = False
    declared_length: int | None = None
    body_delay_seconds: float = 0.0
    chunked: bool = False


def json_reply(
    status: int = 200, payload: Any = None, headers: dict[str, str] | None = None
) -> Reply:
    """A JSON answer."""
    body = json.dumps({} if payload is None else payload).encode()
    return Reply(status, body, {"Content-Type": "application/json", **(headers or {})})


def raw_reply(status: int, body: bytes, content_type: str) -> Reply:
    """An answer with any body and content type."""
    return Reply(status, body, {"Content-Type": content_type})


def delay(seconds: float, then: Reply) -> Reply:
    """``then``, after waiting ``seconds``."""
    return dataclasses.replace(then, delay_seconds=seconds)


def stall_body(seconds: float, then: Reply) -> Reply:
    """``then``'s status line and headers at once, its body after ``seconds``."""
    return dataclasses.replace(then, body_delay_seconds=seconds)


def redirect(location: str, status: int = 302) -> Reply:
    """A redirect to ``location``."""
    return Reply(status, b"", {"Location": location})


def http_date(seconds_from_now: float) -> str:
    """An HTTP date (as in ``Retry-After``) ``seconds_from_now`` in the future."""
    return email.utils.formatdate(time.time() + seconds_from_now, usegmt=True)


def reset() -> Reply:
    """Drop the connection (TCP reset) without answering."""
    return Reply(reset=True)


def truncated(
    payload: bytes, declared_length: int, content_type: str = "application/json"
) -> Reply:
    """Announce ``declared_length`` bytes, send ``payload`` (shorter), close."""
    return Reply(200, payload, {"Content-Type": content_type}, declared_length=declared_length)


Handler = Callable[[RecordedRequest], Reply]


class _Route:
    def __init__(self, replies: Sequence[Reply], handler: Handler | None) -> None:
        self._replies = list(replies)
        self._handler = handler
        self._lock = threading.Lock()

    def next_reply(self, request: RecordedRequest) -> Reply:
        if self._handler is not None:
            return self._handler(request)
        with self._lock:
            return self._replies.pop(0) if len(self._replies) > 1 else self._replies[0]


class FakeServer:
    """The server: start with :meth:`start`, script with :meth:`on`, stop with :meth:`stop`."""

    def __init__(self) -> None:
        self._routes: dict[tuple[str, str], _Route] = {}
        self._prefix_routes: list[tuple[str, str, _Route]] = []
        self._lock = threading.Lock()
        self.requests: list[RecordedRequest] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        assert self._server is not None, "server not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def on(
        self,
        method: str,
        path: str,
        *replies: Reply,
        handler: Handler | None = None,
        prefix: bool = False,
    ) -> None:
        """Answer ``method path`` with ``replies`` in turn (the last repeats) or ``handler``.

        With ``prefix=True`` the route matches every path starting with ``path``.
        """
        if not replies and handler is None:
            raise ValueError("give replies or a handler")
        route = _Route(replies, handler)
        with self._lock:
            if prefix:
                self._prefix_routes.append((method.upper(), path, route))
            else:
                self._routes[(method.upper(), path)] = route

    def requests_to(self, method: str, path: str) -> list[RecordedRequest]:
        """The recorded requests for ``method path``."""
        return [r for r in self.requests if r.method == method.upper() and r.path == path]

    def _route(self, method: str, path: str) -> _Route | None:
        with self._lock:
            route = self._routes.get((method, path))
            if route is not None:
                return route
            for route_method, route_prefix, prefix_route in self._prefix_routes:
                if route_method == method and path.startswith(route_prefix):
                    return prefix_route
        return None

    def start(self) -> FakeServer:
        """Listen on a free port of 127.0.0.1 in a background thread."""
        server = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes; without this, Nagle plus the
            # client's delayed ACK hold every answer back about 40 ms.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urllib.parse.urlsplit(self.path)
                request = RecordedRequest(
                    method=self.command,
                    path=urllib.parse.unquote(parts.path),
                    query=urllib.parse.parse_qs(parts.query, keep_blank_values=True),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                    received_at=time.monotonic(),
                    client_port=int(self.client_address[1]),
                )
                with server._lock:
                    server.requests.append(request)
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    route = server._route(self.command, request.path)
                    reply = (
                        route.next_reply(request)
                        if route is not None
                        else json_reply(404, {"message": f"no route {self.command} {request.path}"})
                    )
                    if reply.delay_seconds:
                        time.sleep(reply.delay_seconds)
                    self._send(reply)
                finally:
                    with server._lock:
                        server.in_flight -= 1

            def _send(self, reply: Reply) -> None:
                if reply.reset:
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    self.close_connection = True
                    self.connection.close()
                    return
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                declared = (
                    reply.declared_length if reply.declared_length is not None else len(reply.body)
                )
                if reply.chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                else:
                    self.send_header("Content-Length", str(declared))
                if reply.declared_length is not None:
                    self.send_header("Connection", "close")
                self.end_headers()
                if reply.body_delay_seconds:
                    self.wfile.flush()
                    time.sleep(reply.body_delay_seconds)
                if reply.chunked:
                    step = 65536
                    for start in range(0, len(reply.body), step):
                        piece = reply.body[start : start + step]
                        self.wfile.write(b"%x\r\n%b\r\n" % (len(piece), piece))
                    self.wfile.write(b"0\r\n\r\n")
                else:
                    self.wfile.write(reply.body)
                if reply.declared_length is not None:
                    self.wfile.flush()
                    self.close_connection = True

            do_GET = _handle
            do_POST = _handle
            do_PUT = _handle
            do_DELETE = _handle

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            allow_reuse_address = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                # A client that gave up (timeout, reset) leaves a broken pipe behind: expected
                # in fault-injection tests, not worth a traceback on stderr. Anything else (a
                # failing test handler) is still printed.
                if isinstance(sys.exc_info()[1], ConnectionError):
                    return
                super().handle_error(request, client_address)

        self._server = Server(("127.0.0.1", 0), RequestHandler)
        server_loop = self._server
        self._thread = threading.Thread(
            # A short poll interval: stop() waits up to one interval for the loop to notice.
            target=lambda: server_loop.serve_forever(poll_interval=0.02),
            name="fake-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and join the server thread."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
