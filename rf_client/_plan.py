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

import concurrent.futures
import functools
import itertools
import logging
import socket
import threading
import time
import weakref
from collections.abc import AsyncGenerator, Callable, Generator, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

import attrs
import httpx

from rf_client._batch import Outcome, detach_foreign_chain
from rf_client._http import (
    ClientOptions,
    IncompleteBody,
    JSONSafeText,
    Reply,
    Request,
    RequestNotSendable,
    ResponseTooLarge,
    is_retryable,
    json_body,
    never_processed,
    redirect_error,
    retry_after_of,
    status_error,
    transport_error,
)
from rf_client.errors import RFClientError

if TYPE_CHECKING:
    import asyncio

    from rf_client._nodes import Route

T = TypeVar("T")

logger = logging.getLogger("rf_client")


class Step:
    """Something a plan needs from the outside world; a driver carries it out."""


@attrs.frozen
class Transmit(Step):
    """Send ``request`` once. Result: a :class:`Reply` (any status) or the httpx error.

    A relative URL goes to ``base_url``, or to the driver's own base URL when it is None.
    """

    request: Request
    options: ClientOptions
    base_url: str | None = None


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


def transmit(
    request: Request, options: ClientOptions, base_url: str | None = None
) -> Plan[Reply | httpx.HTTPError]:
    """Send ``request`` once (a relative URL to ``base_url``, else to the driver's); the reply
    whatever its status, or the httpx error."""
    result = yield Transmit(request, options, base_url)
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
    """Run ``function`` off the event loop; synchronously, in a pool thread inside a ``gather``
    of several plans (in parallel where it releases the GIL), else in the calling thread."""
    result = yield Offload(function)
    return cast("T", result)


def send(request: Request, options: ClientOptions, route: Route | None = None) -> Plan[Reply]:
    """Send ``request``, retrying transient failures; the successful reply (status < 300).

    Retries connection failures, timeouts, answers cut short and 408/429/500/502/503/504 with
    exponential backoff and jitter, honouring ``Retry-After``, at most
    ``options.retry.max_retries`` times (never when ``request.retryable`` is False; for a
    request that is not idempotent, only when it never reached the server). The
    request is sent whole each time. Each retry is logged at INFO on the ``rf_client`` logger.

    ``route`` says where a relative URL goes: None, the driver's base URL; else the client's
    servers (:mod:`rf_client._nodes`): one server (or a request pinned to one) takes the loop
    below, several spread the request and fail it over (``NodeSet.send_spread``).

    Raises:
        APIStatusError: The last attempt's error answer (4xx/5xx), as its status's subclass.
        APIConnectionError: The last attempt got no (complete) answer; APITimeoutError for a
            timeout, IncompleteResponseError for a body cut short.
        ResponseValidationError: The server answered a redirect (3xx), which is not followed.
        InvalidParameterError: httpx cannot build the request from its values.
    """
    if route is not None:
        if route.spread:
            return (yield from route.nodes.send_spread(request, options))
        request = route.named(request)
    policy = options.retry
    attempts = 0
    while True:
        attempts += 1
        if route is None:
            outcome = yield from transmit(request, options)
        elif route.single:  # the fast path of one server: counted, nothing to choose
            outcome = yield from transmit(request, options, route.base_url)
            route.nodes.tally(route.target, outcome)
        else:
            outcome = yield from route.exchange(request, options)
        error = attempt_error(outcome, request, options, attempts)
        if error is None:
            return cast("Reply", outcome)
        if not (may_repeat(request, outcome, error) and attempts <= policy.max_retries):
            raise error
        wait = policy.delay(attempts, retry_after_of(error))
        log_retry(request, wait, attempts, policy.max_retries, error)
        yield from sleep(wait)


def attempt_error(
    outcome: Reply | httpx.HTTPError, request: Request, options: ClientOptions, attempts: int
) -> RFClientError | None:
    """The rf-client error of one attempt (None for a success, status < 300).

    Raises:
        ResponseValidationError: The answer is a redirect, which is never retried.
    """
    if isinstance(outcome, Reply):
        if outcome.status_code < 300:
            return None
        if outcome.status_code < 400:
            raise redirect_error(outcome)
        return status_error(outcome, attempts)
    return transport_error(outcome, request, attempts, _timeout_of(request, options))


def may_repeat(request: Request, outcome: object, error: RFClientError) -> bool:
    """Whether a failed attempt may be sent again (to the same server or another one).

    A transient failure of a retryable request, and, for a request that is not idempotent,
    only one the server never acted on (:func:`never_processed`).
    """
    return (
        request.retryable
        and is_retryable(error)
        and (request.idempotent or never_processed(outcome))
    )


def log_retry(
    request: Request, wait: float, attempts: int, max_retries: int, error: RFClientError
) -> None:
    """Log a retry after a backoff at INFO on the ``rf_client`` logger."""
    if logger.isEnabledFor(logging.INFO):
        logger.info(
            "Retrying %s in %.2f s (attempt %d of %d): %s",
            request.endpoint,
            wait,
            attempts + 1,
            max_retries + 1,
            retry_reason(error),
        )


def retry_reason(error: RFClientError) -> str:
    """Why an attempt failed, for a log line: its status or its error class."""
    status = getattr(error, "status_code", None)
    return f"status {status}" if status is not None else type(error).__name__


def run_to_outcome(driver: SyncDriver, plan: Plan[T]) -> Outcome[T]:
    """Run ``plan`` synchronously; its value, or the rf-client error it raised."""
    try:
        return Outcome(value=driver.run(plan))
    except RFClientError as error:
        return Outcome(error=error)


def _timeout_of(request: Request, options: ClientOptions) -> httpx.Timeout | None:
    return options.timeout if request.uses_client_timeout else request.timeout


class PoolLeases(Protocol):
    """Hands out a synchronous pool per exchange, so closing never cuts one short."""

    def lease(self) -> httpx.Client:
        """The open pool (opened if needed), held until :meth:`release`."""
        ...

    def release(self, http: httpx.Client) -> None:
        """The exchange on ``http`` ended (a retired pool closes with its last one)."""
        ...


def _exchange_on(
    http: httpx.Client, request: Request, built: httpx.Request
) -> Reply | httpx.HTTPError:
    try:
        response = http.send(built, stream=True)
    except httpx.HTTPError as error:
        return _no_context(error)
    except UnicodeError as error:  # a host name the IDNA codec refuses (httpx async maps it)
        return _no_context(httpx.ConnectError(f"invalid host name ({error})", request=built))
    try:
        _check_announced_size(request, response)
        chunks: list[bytes] = []
        received = 0
        for chunk in response.iter_bytes():
            received += len(chunk)
            _check_size(request, received)
            chunks.append(chunk)
    except httpx.HTTPError as error:
        return _no_context(_body_failure(error))
    finally:
        response.close()
    return Reply(response.status_code, response.headers, b"".join(chunks), request.endpoint)


def _build(
    http: httpx.Client | httpx.AsyncClient,
    request: Request,
    options: ClientOptions,
    base_url: str,
) -> httpx.Request | RequestNotSendable:
    """The httpx request for ``request``, or why httpx cannot build it (nothing is sent)."""
    url = request.url if "://" in request.url else base_url + request.url
    headers = dict(request.headers)
    extensions: dict[str, Any] = {}
    problem = ""
    try:
        if request.connect_to is not None:
            target = httpx.URL(url)
            # Connect to the vetted address; the Host header and TLS name stay the URL's.
            headers.setdefault("Host", target.netloc.decode("ascii"))
            extensions["sni_hostname"] = target.host
            url = str(target.copy_with(host=request.connect_to))
        content = request.content
        if isinstance(content, JSONSafeText):
            content = content.raw  # the bytes httpx would encode the text to, without a copy
        if request.json is not None:
            # Serialised here rather than by httpx: json_body splices base64 images in as they
            # are, where json.dumps would scan and copy every byte of them (1.5 ms per MB).
            content = json_body(request.json)
            if not any(name.lower() == "content-type" for name in headers):
                headers["Content-Type"] = "application/json"
        return http.build_request(
            request.method,
            url,
            params=dict(request.params) or None,
            headers=headers,
            content=content,
            files=request.files,
            timeout=_timeout_of(request, options),
            extensions=extensions or None,
        )
    except (httpx.InvalidURL, httpx.HTTPError, TypeError, ValueError) as error:
        # ValueError covers UnicodeEncodeError (non-ASCII header) and NaN in JSON bodies.
        problem = f"{type(error).__name__}: {error}"
    return RequestNotSendable(problem)


def _check_announced_size(request: Request, response: httpx.Response) -> None:
    if request.max_response_bytes is None:
        return
    announced = response.headers.get("content-length", "")
    if announced.isdigit() and int(announced) > request.max_response_bytes:
        raise ResponseTooLarge(
            f"{announced} bytes announced, over the limit of {request.max_response_bytes}"
        )


def _check_size(request: Request, received: int) -> None:
    if request.max_response_bytes is not None and received > request.max_response_bytes:
        raise ResponseTooLarge(f"more than {request.max_response_bytes} bytes")


def _body_failure(error: httpx.HTTPError) -> httpx.HTTPError:
    """A failure while reading a body: a timeout or a size cap stays; else the body was cut."""
    if isinstance(error, httpx.TimeoutException | ResponseTooLarge):
        return error
    return IncompleteBody(f"{type(error).__name__}: {error}")


def _no_context(error: httpx.HTTPError) -> httpx.HTTPError:
    # The returned error must not drag the exception it was made in (and its URL) along.
    error.__context__ = None
    error.__cause__ = None
    return error


class SyncDriver:
    """Runs plans synchronously: one pooled ``httpx.Client``, threads for :class:`Gather`.

    A :class:`Gather` of several plans steps every plan in the calling thread and hands the
    pool threads only what blocks or is marked CPU-heavy: sending a request and reading its
    answer, ``Offload``, ``Sleep``, ``ResolveHost``. Preparing bodies (reading files, base64)
    and parsing answers needs the GIL anyway, so running it in one thread costs no parallelism,
    and it keeps the large request buffers in one allocator arena: freed and reused in place
    instead of being handed back to the kernel by eight threads' arenas and faulted in again
    (about 0.3 ms of page faults per 500 KB image otherwise).
    """

    def __init__(self, http: httpx.Client, base_url: str, leases: PoolLeases | None = None) -> None:
        self._http = http
        self._base_url = base_url.rstrip("/")
        self._leases = leases

    def run(self, plan: Plan[T]) -> T:
        """Run ``plan`` to its end and return its value (its errors propagate).

        An rf-client error raised while carrying out a step (offloaded work, say) is thrown
        into the plan at its ``yield``, so the plan may catch it like any other.
        """
        value: Any = None
        failure: RFClientError | None = None
        while True:
            try:
                step = plan.send(value) if failure is None else plan.throw(failure)
            except StopIteration as stop:
                return cast("T", stop.value)
            except RFClientError as error:
                detach_foreign_chain(error)
                raise
            value, failure = None, None
            try:
                value = self._execute(step)
            except RFClientError as error:
                failure = error

    def _execute(self, step: Step) -> Any:
        if isinstance(step, Transmit):
            return self._transmit(step.request, step.options, step.base_url or self._base_url)
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

    def _transmit(
        self, request: Request, options: ClientOptions, base_url: str
    ) -> Reply | httpx.HTTPError:
        built = _build(self._http, request, options, base_url)
        if isinstance(built, RequestNotSendable):
            return built
        return self._exchange(request, built)

    def _exchange(self, request: Request, built: httpx.Request) -> Reply | httpx.HTTPError:
        """Send a built request and read its whole answer (the blocking half of a Transmit).

        With ``leases``, the pool is leased for the exchange: a close() meanwhile (another
        thread, a with_options copy leaving its ``with``) retires the pool, which closes when
        its last exchange ends, instead of closing sockets under a request in flight.
        """
        if self._leases is None:
            return _exchange_on(self._http, request, built)
        http = self._leases.lease()
        try:
            return _exchange_on(http, request, built)
        finally:
            self._leases.release(http)

    def _pool_work(self, step: Step) -> Callable[[], Any] | RequestNotSendable:
        """What a pool thread runs for ``step`` of a gathered plan.

        A request is built here, in the calling thread (its body is the large allocation);
        only the exchange goes to the pool. A request httpx cannot build needs no thread: the
        reason is returned as it is.
        """
        if isinstance(step, Transmit):
            request = step.request
            built = _build(self._http, request, step.options, step.base_url or self._base_url)
            if isinstance(built, RequestNotSendable):
                return built
            return functools.partial(self._exchange, request, built)
        if isinstance(step, Sleep):
            return functools.partial(time.sleep, step.seconds)
        if isinstance(step, Gather):
            nested = step
            return lambda: list(self.iter_ordered(nested.plans, nested.limit, nested.max_buffered))
        if isinstance(step, ResolveHost):
            return functools.partial(_resolve, step.host, step.port)
        if isinstance(step, Offload):
            return step.function
        raise TypeError(f"unknown plan step {step!r}")

    def iter_ordered(
        self, plans: Iterable[Plan[T]], limit: int, max_buffered: int | None = None
    ) -> Generator[Outcome[T], None, None]:
        """Run ``plans`` with at most ``limit`` at once; yield their outcomes in input order.

        Close the generator when stopping early: the work in flight finishes first.
        """
        if limit <= 1:
            for plan in plans:
                yield run_to_outcome(self, plan)
            return
        source = iter(plans)
        first = next(source, None)
        if first is None:
            return
        second = next(source, None)
        if second is None:  # a single plan runs in this thread: no pool to start
            yield run_to_outcome(self, first)
            return
        yield from _PoolGather(self, limit, max_buffered).run(
            itertools.chain((first, second), source)
        )


class _PoolGather:
    """One ``Gather`` of a :class:`SyncDriver`: plans stepped here, blocking steps in threads.

    Every running plan waits on exactly one pool task, so at most ``limit`` plans run and the
    ``limit`` threads never starve. An rf-client error of a step's work is thrown into its plan
    (as :meth:`SyncDriver.run` does); a plan's outcome is its value or the rf-client error it
    raised. Other exceptions propagate, after the tasks in flight have finished.
    """

    def __init__(self, driver: SyncDriver, limit: int, max_buffered: int | None) -> None:
        self._driver = driver
        self._limit = limit
        self._max_buffered = max_buffered
        self._waiting: dict[concurrent.futures.Future[Any], tuple[int, Plan[Any]]] = {}
        self._finished: dict[int, Outcome[Any]] = {}

    def run(self, plans: Iterator[Plan[T]]) -> Generator[Outcome[T], None, None]:
        """The outcomes of ``plans``, in order, as they become available."""
        submitted = next_to_yield = 0
        exhausted = False
        pool = concurrent.futures.ThreadPoolExecutor(self._limit, thread_name_prefix="rf-client")
        try:
            while True:
                while (
                    not exhausted
                    and len(self._waiting) < self._limit
                    and (self._max_buffered is None or len(self._finished) < self._max_buffered)
                ):
                    plan = next(plans, None)
                    if plan is None:
                        exhausted = True
                        break
                    self._advance(pool, submitted, plan, None)
                    submitted += 1
                if next_to_yield in self._finished:
                    while next_to_yield in self._finished:
                        yield cast("Outcome[T]", self._finished.pop(next_to_yield))
                        next_to_yield += 1
                    # The buffer has room again: start more plans before waiting, or the
                    # window shrinks to the plans still running until one of them ends.
                    continue
                if not self._waiting:
                    if exhausted:
                        return
                    continue
                done, _ = concurrent.futures.wait(
                    self._waiting, return_when=concurrent.futures.FIRST_COMPLETED
                )
                for future in done:
                    index, plan = self._waiting.pop(future)
                    try:
                        value = future.result()
                    except RFClientError as error:
                        # As in SyncDriver.run: thrown into the plan, which may catch it.
                        self._advance(pool, index, plan, None, error)
                        continue
                    self._advance(pool, index, plan, value)
        finally:
            # Normal end, an unexpected error or the caller stopping early: let the work in
            # flight finish (a request half-sent is not abandoned), then end the plans waiting.
            pool.shutdown(wait=True, cancel_futures=True)
            for _index, plan in self._waiting.values():
                plan.close()
            self._waiting.clear()

    def _advance(
        self,
        pool: concurrent.futures.Executor,
        index: int,
        plan: Plan[Any],
        value: Any,
        failure: RFClientError | None = None,
    ) -> None:
        """Run ``plan`` here until it ends or needs a pool thread (then it waits for that).

        ``failure``, the error of the step it waited for, is thrown into it at its ``yield``.
        """
        while True:
            try:
                step = plan.send(value) if failure is None else plan.throw(failure)
            except StopIteration as stop:
                self._finished[index] = Outcome(value=stop.value)
                return
            except RFClientError as error:
                detach_foreign_chain(error)
                self._finished[index] = Outcome(error=error)
                return
            failure = None
            work = self._driver._pool_work(step)
            if isinstance(work, RequestNotSendable):  # the plan gets the reason at once
                value = work
                continue
            self._waiting[pool.submit(work)] = (index, plan)
            return


class AsyncDriver:
    """Runs plans on the event loop: an ``httpx.AsyncClient`` per loop, tasks for ``Gather``."""

    def __init__(self, make_http: Callable[[], httpx.AsyncClient], base_url: str) -> None:
        self._make_http = make_http
        self._base_url = base_url.rstrip("/")
        # An AsyncClient's connections belong to one event loop; a client used from several
        # loops (asyncio.run() called repeatedly) gets one per loop, closed with its loop.
        self._clients: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, tuple[httpx.AsyncClient, AsyncGenerator[None, None]]
        ] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    async def _http(self) -> httpx.AsyncClient:
        # asyncio loads with the first async call, not with rf_client (about 14 ms of import).
        import asyncio

        loop = asyncio.get_running_loop()
        with self._lock:
            entry = self._clients.get(loop)
            if entry is not None and not entry[0].is_closed:
                return entry[0]
            # Loops closed without shutting their async generators down never ran a closer.
            for closed in [other for other in self._clients if other.is_closed()]:
                del self._clients[closed]
            client = self._make_http()
            closer = self._close_with_loop(client, weakref.ref(loop))
            self._clients[loop] = (client, closer)
        # Started here, the closer is one of the loop's async generators: asyncio.run() (and
        # any runner calling loop.shutdown_asyncgens()) finalises it, closing the connections
        # before the loop closes instead of leaving sockets for the garbage collector.
        await anext(closer)
        return client

    async def _close_with_loop(
        self, client: httpx.AsyncClient, loop: weakref.ref[asyncio.AbstractEventLoop]
    ) -> AsyncGenerator[None, None]:
        """Suspends until its loop shuts its async generators down, then closes ``client``.

        It also drops the loop's entry: a started async generator holds its loop's finaliser
        hook, so the entry's value keeps its weak key alive and would never leave by itself.
        """
        try:
            yield
        finally:
            with self._lock:
                key = loop()
                entry = self._clients.get(key) if key is not None else None
                if key is not None and entry is not None and entry[0] is client:
                    del self._clients[key]
            await client.aclose()

    async def aclose(self) -> None:
        """Close the connection pool of the running loop."""
        import asyncio

        loop = asyncio.get_running_loop()
        with self._lock:
            entry = self._clients.pop(loop, None)
        if entry is not None:
            await entry[0].aclose()
            await entry[1].aclose()

    async def run(self, plan: Plan[T]) -> T:
        """Run ``plan`` to its end and return its value (its errors propagate).

        As :meth:`SyncDriver.run`: an rf-client error from a step is thrown into the plan.
        """
        value: Any = None
        failure: RFClientError | None = None
        while True:
            try:
                step = plan.send(value) if failure is None else plan.throw(failure)
            except StopIteration as stop:
                return cast("T", stop.value)
            except RFClientError as error:
                detach_foreign_chain(error)
                raise
            value, failure = None, None
            try:
                value = await self._execute(step)
            except RFClientError as error:
                failure = error

    async def _execute(self, step: Step) -> Any:
        import asyncio

        if isinstance(step, Transmit):
            return await self._transmit(step.request, step.options, step.base_url or self._base_url)
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
            except UnicodeError as error:  # a name the IDNA codec refuses
                return socket.gaierror(socket.EAI_NONAME, f"invalid host name ({error})")
            return sorted({str(info[4][0]) for info in infos})
        if isinstance(step, Offload):
            return await asyncio.to_thread(step.function)
        raise TypeError(f"unknown plan step {step!r}")

    async def _transmit(
        self, request: Request, options: ClientOptions, base_url: str
    ) -> Reply | httpx.HTTPError:
        http = await self._http()
        built = _build(http, request, options, base_url)
        if isinstance(built, RequestNotSendable):
            return built
        try:
            response = await http.send(built, stream=True)
        except httpx.HTTPError as error:
            return _no_context(error)
        try:
            _check_announced_size(request, response)
            chunks: list[bytes] = []
            received = 0
            async for chunk in response.aiter_bytes():
                received += len(chunk)
                _check_size(request, received)
                chunks.append(chunk)
        except httpx.HTTPError as error:
            return _no_context(_body_failure(error))
        finally:
            await response.aclose()
        return Reply(response.status_code, response.headers, b"".join(chunks), request.endpoint)

    async def _outcome(self, plan: Plan[T]) -> Outcome[T]:
        try:
            return Outcome(value=await self.run(plan))
        except RFClientError as error:
            return Outcome(error=error)

    async def iter_ordered(
        self, plans: Iterable[Plan[T]], limit: int, max_buffered: int | None = None
    ) -> AsyncGenerator[Outcome[T], None]:
        """Run ``plans`` with at most ``limit`` at once; yield their outcomes in input order.

        ``aclose()`` it when stopping early: the plans still running are cancelled.
        """
        import asyncio

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
                if next_to_yield in finished:
                    while next_to_yield in finished:
                        yield finished.pop(next_to_yield)
                        next_to_yield += 1
                    continue  # room in the buffer again: start more plans before waiting
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
    except UnicodeError as error:  # a name the IDNA codec refuses
        return socket.gaierror(socket.EAI_NONAME, f"invalid host name ({error})")
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
    "attempt_error",
    "gather",
    "log_retry",
    "may_repeat",
    "offload",
    "resolve_host",
    "retry_reason",
    "send",
    "sleep",
    "transmit",
]
