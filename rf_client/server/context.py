"""Scoped servers: started on entry, always stopped on exit."""

from __future__ import annotations

from collections.abc import Generator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from rf_client.server.layout import ServerLayout
from rf_client.server.lifecycle import (
    DEFAULT_GRACE_PERIOD,
    DEFAULT_START_TIMEOUT,
    ServerHandle,
    check_seconds,
    start,
    stop,
)
from rf_client.server.processes import pick_free_port

__all__ = ["LocalServer", "running_server"]


class LocalServer:
    """A local inference server for the duration of a ``with`` block.

    ``with LocalServer(models_dir=folder) as server: httpx.get(server.url + "/info")``.
    Without a ``port`` a free loopback port is picked on entry. The server is stopped on
    exit whatever happened inside the block, and also if entering it fails half-way.
    """

    def __init__(
        self,
        port: int | None = None,
        *,
        models_dir: str | Path | None = None,
        all_routes: bool = False,
        env: Mapping[str, str] | None = None,
        timeout: float = DEFAULT_START_TIMEOUT,
        grace_period: float = DEFAULT_GRACE_PERIOD,
        layout: ServerLayout | None = None,
        python: str | Path | None = None,
    ) -> None:
        """Remember how to start the server; nothing runs until ``start()`` or ``with``.

        Raises:
            ServerParameterError: ``timeout`` or ``grace_period`` is not a usable number of
                seconds (checked now: a bad grace period found only on exit would leave the
                server running).
        """
        check_seconds("timeout", timeout)
        check_seconds("grace_period", grace_period, zero_allowed=True)
        self._port = port
        self._models_dir = models_dir
        self._all_routes = all_routes
        self._env = env
        self._timeout = timeout
        self._grace_period = grace_period
        self._layout = layout or ServerLayout.from_environment()
        self._python = python
        self._handle: ServerHandle | None = None

    @property
    def handle(self) -> ServerHandle:
        """The running server (``RuntimeError`` before ``start()``)."""
        if self._handle is None:
            raise RuntimeError("the server is not started")
        return self._handle

    def start(self) -> ServerHandle:
        """Start the server and wait until it answers."""
        port = self._port if self._port is not None else pick_free_port()
        self._handle = start(
            port,
            models_dir=self._models_dir,
            all_routes=self._all_routes,
            env=self._env,
            timeout=self._timeout,
            layout=self._layout,
            python=self._python,
        )
        return self._handle

    def stop(self) -> None:
        """Stop the server if it runs; calling it twice is fine."""
        if self._handle is None:
            return
        port, self._handle = self._handle.port, None
        stop(port, layout=self._layout, grace_period=self._grace_period, missing_ok=True)

    def __enter__(self) -> ServerHandle:
        """Start the server; return its handle."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the server."""
        self.stop()


@contextmanager
def running_server(
    port: int | None = None,
    *,
    models_dir: str | Path | None = None,
    all_routes: bool = False,
    env: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_START_TIMEOUT,
    grace_period: float = DEFAULT_GRACE_PERIOD,
    layout: ServerLayout | None = None,
    python: str | Path | None = None,
) -> Generator[ServerHandle, None, None]:
    """``with running_server(models_dir=folder) as server:`` — the function form of
    :class:`LocalServer`, with the same arguments."""
    server = LocalServer(
        port,
        models_dir=models_dir,
        all_routes=all_routes,
        env=env,
        timeout=timeout,
        grace_period=grace_period,
        layout=layout,
        python=python,
    )
    with server as handle:
        yield handle
