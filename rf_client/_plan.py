"""Operations written once, run by a sync or an async driver.

Every operation of the client is a *plan*: a generator that does the pure work (validate
inputs, build requests, parse answers) and yields a :class:`Step` wherever it needs the
outside world: send one request (:class:`Transmit`), wait (:class:`Sleep`), run several plans
at once (:class:`Gather`), resolve a host name (:class:`ResolveHost`), or run CPU-heavy work off
the event loop (:class:`Offload`). :class:`SyncDriver` and :class:`AsyncDriver` are the only
code that differs between ``infer`` and ``infer_async``: they carry out the steps with
``httpx.Client`` / threads or ``httpx.AsyncClient`` / tasks and send the results back.

Plans use the helpers below with ``yield from``, which keeps their types precise::

    def get_server_info(ctx) -> Plan[dict[str, Any]]:
        reply = yield from send(ctx.request(...), ctx.options)
        return reply.json()
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import socket
import threading
import time
import weakref
from collections.abc import AsyncIterator, Callable, Generator, Iterable, Iterator
from typing import Any, TypeVar, cast

import attrs
import httpx

from rf_client._batch import Outcome
from rf_client._http import (
    ClientOptions,
    Reply,
    Request,
    is_retryable,
    retry_after_of,
    status_error,
    transport_error,
)
from rf_client.errors import RFClientError

T = TypeVar("T")


class Step:
    """Something a plan needs from the outside world; a driver carries it out."""


@attrs.frozen
class Transmit(Step):
    """Send ``request`` once. Result: a :class:`Reply` (any status) or the httpx error."""

    request: Request
    options: ClientOptions


@attrs.frozen
class Sleep(Step):
    """Wait ``seconds``. Result: None."""

    seconds: float


@attrs.frozen
class Gather(Step):
    """Run ``plans`` (consumed lazily), at most ``limit`` at once. Result: the outcomes in order.

    A new plan starts as soon as any running one finishes, so one slow plan does not stall the
    others. ``max_buffered`` bounds how many finished results may wait for a slower earlier one
    (None: no bound), which bounds memory on long streams.
    """

    plans: Iterable[Generator[Step, Any, Any]]
    limit: int
    max_buffered: int | None = None


@attrs.frozen
class ResolveHost(Step):
    """Resolve ``host``. Result: its IP addresses, or the OSError that resolution raised."""

    host: str
    port: int


@attrs.frozen
class Offload(Step):
    """Run ``function`` (CPU-heavy) off the event loop. Result: its return value."""

    function: Callable[[], Any]


Plan = Generator[Step, Any, T]
"""A plan returning ``T``."""


def transmit(request: Request, options: ClientOptions) -> Plan[Reply | httpx.HTTPError]:
    """Send ``request`` once; the reply whatever its status, or the httpx error."""
    result = yield Transmit(request, options)
    return cast("Reply | httpx.HTTPError", result)


def sleep(seconds: float) -> Plan[None]:
    """Wait ``seconds``."""
    yield Sleep(seconds)


def gather(
    plans: Iterable[Plan[T]], limit: int, max_buffered: int | None = None
) -> Plan[list[Outcome[T]]]:
    """Run ``plans`` concurrently (at most ``limit`` at once); every outcome, in order."""
    outcomes = yield Gather(plans, limit, max_buffered)
    return cast("list[Outcome[T]]", outcomes)


def resolve_host(host: str, port: int) -> Plan[list[str] | OSError]:
    """The IP addresses of ``host``, or the OSError resolution raised."""
    result = yield ResolveHost(host, port)
    return cast("list[str] | OSError", result)


def offload(function: Callable[[], T]) -> Plan[T]:
    """Run ``function`` off the event loop (in the calling thread when synchronous)."""
    result = yield Offload(function)
    return cast("T", result)


def send(request: Request, options: ClientOptions) -> Plan[Reply]:
    """Send ``request``, retrying transient failures; the successful reply (status < 400).

    Retries connection failures, timeouts and 408/429/500/502/503/504 with exponential backoff
    and jitter, honouring ``Retry-After``, at most ``options.retry.max_retries`` times. The
    request is sent whole each time. Raises the rf-client error of the last attempt.
    """
    policy = options.retry
    attempts = 0
    while True:
        attempts += 1
        outcome = yield from transmit(request, options)
        if isinstance(outcome, Reply):
            if outcome.status_code < 400:
                return outcome
            error: RFClientError = status_error(outcome, attempts)
        else:
            error = transport_error(outcome, request, attempts)
        if not (request.retryable and is_retryable(error) and attempts <= policy.max_retries):
            raise error
        yield from sleep(policy.delay(attempts, retry_after_of(error)))


def run_to_outcome(driver: SyncDriver, plan: Plan[T]) -> Outcome[T]:
    """Run ``plan`` synchronously; its value, or the rf-client error it raised."""
    try:
        return Outcome(value=driver.run(plan))
    except RFClientError as error:
        return Outcome(error=error)


def _timeout_of(request: Request, options: ClientOptions) -> httpx.Timeout | None:
    return options.timeout if request.uses_client_timeout else request.timeout


class ResponseTooLarge(httpx.HTTPError):
    """A download went past ``Request.max_response_bytes``."""


def _check_size(request: Request, received: int) -> None:
    if request.max_response_bytes is not None and received > request.max_response_bytes:
        raise ResponseTooLarge(f"more than {request.max_response_bytes} bytes")


class SyncDriver:
    """Runs plans synchronously: one pooled ``httpx.Client``, threads for :class:`Gather`."""

    def __init__(self, http: httpx.Client, base_url: str) -> None:
        self._http = http
        self._base_url = base_url.rstrip("/")

    def run(self, plan: Plan[T]) -> T:
        """Run ``plan`` to its end and return its value (its errors propagate)."""
        value: Any = None
        while True:
            try:
                step = plan.send(value)
            except StopIteration as stop:
                return cast("T", stop.value)
            value = self._execute(step)

    def _execute(self, step: Step) -> Any:
        if isinstance(step, Transmit):
            return self._transmit(step.request, step.options)
        if isinstance(step, Sleep):
            time.sleep(step.seconds)
            return None
        if isinstance(step, Gather):
            return list(self.iter_ordered(step.plans, step.limit, step.max_buffered))
        if isinstance(step, ResolveHost):
            return _resolve(step.host, step.port)
        if isinstance(step, Offload):
            return step.function()
        raise TypeError(f"unknown plan step {step!r}")

    def _transmit(self, request: Request, options: ClientOptions) -> Reply | httpx.HTTPError:
        url = request.url if "://" in request.url else self._base_url + request.url
        try:
            with self._http.stream(
                request.method,
                url,
                params=dict(request.params) or None,
                headers=dict(request.headers),
                json=request.json,
                content=request.content,
                files=request.files,
                timeout=_timeout_of(request, options),
            ) as response:
                chunks: list[bytes] = []
                received = 0
                for chunk in response.iter_bytes():
                    received += len(chunk)
                    _check_size(request, received)
                    chunks.append(chunk)
                return Reply(
                    response.status_code, response.headers, b"".join(chunks), request.endpoint
                )
        except httpx.HTTPError as error:
            return error

    def iter_ordered(
        self, plans: Iterable[Plan[T]], limit: int, max_buffered: int | None = None
    ) -> Iterator[Outcome[T]]:
        """Run ``plans`` with at most ``limit`` at once; yield their outcomes in input order."""
        if limit <= 1:
            for plan in plans:
                yield run_to_outcome(self, plan)
            return
        source = iter(plans)
        with concurrent.futures.ThreadPoolExecutor(limit, thread_name_prefix="rf-client") as pool:
            running: dict[concurrent.futures.Future[Outcome[T]], int] = {}
            finished: dict[int, Outcome[T]] = {}
            submitted = 0
            next_to_yield = 0
            exhausted = False
            while True:
                while (
                    not exhausted
                    and len(running) < limit
                    and (max_buffered is None or len(finished) < max_buffered)
                ):
                    try:
                        plan = next(source)
                    except StopIteration:
                        exhausted = True
                        break
                    running[pool.submit(run_to_outcome, self, plan)] = submitted
                    submitted += 1
                while next_to_yield in finished:
                    yield finished.pop(next_to_yield)
                    next_to_yield += 1
                if not running:
                    if exhausted:
                        return
                    continue
                done, _ = concurrent.futures.wait(
                    running, return_when=concurrent.futures.FIRST_COMPLETED
                )
                for future in done:
                    finished[running.pop(future)] = future.result()


class AsyncDriver:
    """Runs plans on the event loop: an ``httpx.AsyncClient`` per loop, tasks for ``Gather``."""

    def __init__(self, make_http: Callable[[], httpx.AsyncClient], base_url: str) -> None:
        self._make_http = make_http
        self._base_url = base_url.rstrip("/")
        # An AsyncClient's connections belong to one event loop; a client used from several
        # loops (asyncio.run() called repeatedly) gets one per loop.
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()

    def _http(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        with self._lock:
            client = self._clients.get(loop)
            if client is None or client.is_closed:
                client = self._make_http()
                self._clients[loop] = client
            return client

    async def aclose(self) -> None:
        """Close the connection pool of the running loop."""
        loop = asyncio.get_running_loop()
        with self._lock:
            client = self._clients.pop(loop, None)
        if client is not None:
            await client.aclose()

    async def run(self, plan: Plan[T]) -> T:
        """Run ``plan`` to its end and return its value (its errors propagate)."""
        value: Any = None
        while True:
            try:
                step = plan.send(value)
            except StopIteration as stop:
                return cast("T", stop.value)
            value = await self._execute(step)

    async def _execute(self, step: Step) -> Any:
        if isinstance(step, Transmit):
            return await self._transmit(step.request, step.options)
        if isinstance(step, Sleep):
            await asyncio.sleep(step.seconds)
            return None
        if isinstance(step, Gather):
            return [
                outcome
                async for outcome in self.iter_ordered(step.plans, step.limit, step.max_buffered)
            ]
        if isinstance(step, ResolveHost):
            loop = asyncio.get_running_loop()
            try:
                infos = await loop.getaddrinfo(step.host, step.port, type=socket.SOCK_STREAM)
            except OSError as error:
                return error
            return sorted({str(info[4][0]) for info in infos})
        if isinstance(step, Offload):
            return await asyncio.to_thread(step.function)
        raise TypeError(f"unknown plan step {step!r}")

    async def _transmit(self, request: Request, options: ClientOptions) -> Reply | httpx.HTTPError:
        url = request.url if "://" in request.url else self._base_url + request.url
        try:
            async with self._http().stream(
                request.method,
                url,
                params=dict(request.params) or None,
                headers=dict(request.headers),
                json=request.json,
                content=request.content,
                files=request.files,
                timeout=_timeout_of(request, options),
            ) as response:
                chunks: list[bytes] = []
                received = 0
                async for chunk in response.aiter_bytes():
                    received += len(chunk)
                    _check_size(request, received)
                    chunks.append(chunk)
                return Reply(
                    response.status_code, response.headers, b"".join(chunks), request.endpoint
                )
        except httpx.HTTPError as error:
            return error

    async def _outcome(self, plan: Plan[T]) -> Outcome[T]:
        try:
            return Outcome(value=await self.run(plan))
        except RFClientError as error:
            return Outcome(error=error)

    async def iter_ordered(
        self, plans: Iterable[Plan[T]], limit: int, max_buffered: int | None = None
    ) -> AsyncIterator[Outcome[T]]:
        """Run ``plans`` with at most ``limit`` at once; yield their outcomes in input order."""
        source = iter(plans)
        running: dict[asyncio.Task[Outcome[T]], int] = {}
        finished: dict[int, Outcome[T]] = {}
        submitted = 0
        next_to_yield = 0
        exhausted = False
        try:
            while True:
                while (
                    not exhausted
                    and len(running) < max(limit, 1)
                    and (max_buffered is None or len(finished) < max_buffered)
                ):
                    try:
                        plan = next(source)
                    except StopIteration:
                        exhausted = True
                        break
                    running[asyncio.ensure_future(self._outcome(plan))] = submitted
                    submitted += 1
                while next_to_yield in finished:
                    yield finished.pop(next_to_yield)
                    next_to_yield += 1
                if not running:
                    if exhausted:
                        return
                    continue
                done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    finished[running.pop(task)] = task.result()
        finally:
            for task in running:
                task.cancel()


def _resolve(host: str, port: int) -> list[str] | OSError:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        return error
    return sorted({str(info[4][0]) for info in infos})


__all__ = [
    "AsyncDriver",
    "Gather",
    "Offload",
    "Plan",
    "ResolveHost",
    "ResponseTooLarge",
    "Sleep",
    "Step",
    "SyncDriver",
    "Transmit",
    "gather",
    "offload",
    "resolve_host",
    "send",
    "sleep",
    "transmit",
]
