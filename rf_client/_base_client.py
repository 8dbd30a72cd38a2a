"""What every part of :class:`~rf_client.InferenceHTTPClient` shares: state, options, drivers.

The client class is assembled from mixins, one per family of routes (``_client_*.py``), all
built on :class:`BaseClient`: it holds the configuration and the connection pools, takes the
per-call snapshot (:meth:`BaseClient._context`) and runs plans with the sync or the async
driver (:meth:`BaseClient._run` / :meth:`BaseClient._arun`). Sync and async methods differ in
that one call only.
"""

from __future__ import annotations

import contextlib
import functools
import threading
import weakref
from collections.abc import AsyncIterator, Generator, Iterator, Sequence
from typing import Any, TypeVar

import httpx

from rf_client._batch import BatchOutcome
from rf_client._context import CallContext, mode_for_url
from rf_client._http import (
    DEFAULT_TIMEOUT,
    ClientOptions,
    PooledAsyncClient,
    PooledClient,
    RetryPolicy,
    URLImagePolicy,
)
from rf_client._nodes import NodeSet, NodeStats
from rf_client._plan import AsyncDriver, Plan, SyncDriver
from rf_client._redaction import (
    display_url,
    install_log_filters,
    register_secret,
    release_secret,
)
from rf_client._settings import (
    NOT_GIVEN,
    checked_api_key,
    checked_api_urls,
    checked_configuration,
    make_options,
)
from rf_client._state import ClientState, StateHolder
from rf_client.config import HTTPClientMode, InferenceConfiguration
from rf_client.errors import InvalidInputFormatError

T = TypeVar("T")
Self = TypeVar("Self", bound="BaseClient")


class _SyncPool:
    """The synchronous pool of a client, leased per exchange (see ``PoolLeases``).

    ``close()`` retires the open pool: it closes at once when idle, else when its last
    exchange ends, and the next lease opens a new one. Closing an httpx client while another
    thread reads from it can leave that thread waiting on a socket the close recycled.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: httpx.Client | None = None
        self._leases: dict[httpx.Client, int] = {}
        self._retired: set[httpx.Client] = set()

    def current(self) -> httpx.Client:
        """The open pool, opened now if there is none."""
        with self._lock:
            return self._current()

    def _current(self) -> httpx.Client:
        if self._open is None:
            self._open = PooledClient(limits=_limits(), timeout=DEFAULT_TIMEOUT)
        return self._open

    def lease(self) -> httpx.Client:
        """The open pool, held until :meth:`release`."""
        with self._lock:
            http = self._current()
            self._leases[http] = self._leases.get(http, 0) + 1
            return http

    def release(self, http: httpx.Client) -> None:
        """An exchange on ``http`` ended; a retired pool closes with its last exchange."""
        with self._lock:
            left = self._leases[http] - 1
            if left:
                self._leases[http] = left
                return
            del self._leases[http]
            closing = http in self._retired
            self._retired.discard(http)
        if closing:
            http.close()

    def close(self) -> None:
        """Retire the open pool: closed now when idle, else when its last exchange ends."""
        with self._lock:
            http, self._open = self._open, None
            if http is None:
                return
            if http in self._leases:
                self._retired.add(http)
                return
        http.close()


def _limits() -> httpx.Limits:
    return httpx.Limits(max_connections=100, max_keepalive_connections=32)


class _Pools:
    """The connection pools and servers one client (and its ``with_options`` copies) share."""

    def __init__(self, api_urls: tuple[str, ...]) -> None:
        api_url = api_urls[0]
        self.api_url = api_url
        self.nodes = NodeSet(
            api_urls, probe_path="/info" if mode_for_url(api_url) is HTTPClientMode.V1 else "/"
        )
        self.sync_pool = _SyncPool()
        # Closes the open pool when the client is collected without close(). It holds the
        # pool holder, never these pools (which would keep them alive).
        weakref.finalize(self, self.sync_pool.close)
        self.async_driver = AsyncDriver(self._new_async_client, api_url)

    @staticmethod
    def _new_async_client() -> httpx.AsyncClient:
        return PooledAsyncClient(limits=_limits(), timeout=DEFAULT_TIMEOUT)

    def sync_driver(self) -> SyncDriver:
        """A driver leasing the synchronous pool for each exchange."""
        return SyncDriver(self.sync_pool.current(), self.api_url, leases=self.sync_pool)

    def close(self) -> None:
        """Close the synchronous pool (once its exchanges in flight end); the next call opens
        a new one."""
        self.sync_pool.close()


class BaseClient:
    """Configuration, state and request running shared by every method of the client.

    Args:
        api_url: The server's base URL (``http://`` or ``https://`` with a host), or a
            sequence of several servers' URLs (all self-hosted v1 or all hosted v0): each
            request then goes to the healthy one with the fewest requests in flight, and one
            that fails is taken out of rotation (see :mod:`rf_client._nodes` and the README's
            "Many servers").
        api_key: The API key, or None. It is sent in the ``Authorization`` header (v1), plus
            the legacy query/body field where the transport asks for it, and never appears in
            messages, logs or reprs.
        timeout: Seconds (every phase), an ``httpx.Timeout``, or None for no timeout at all;
            default :data:`~rf_client._http.DEFAULT_TIMEOUT` (10 s connect, 120 s read).
        max_retries: Retries of a request that failed transiently (default 2).
        url_image_policy: How images given as URLs are downloaded (timeout, size cap,
            redirects, and ``allow_private_addresses=False`` to refuse private, loopback and
            link-local hosts); see :class:`~rf_client.URLImagePolicy`.
        retry_policy: Backoff settings (initial and maximum delay, ``Retry-After`` cap);
            ``max_retries`` wins over its ``max_retries``.

    Raises:
        InvalidParameterError: A value is invalid (nothing is sent).
    """

    def __init__(
        self,
        api_url: str | Sequence[str],
        api_key: str | None = None,
        *,
        timeout: httpx.Timeout | float | None = NOT_GIVEN,
        max_retries: int | None = None,
        url_image_policy: URLImagePolicy | None = None,
        retry_policy: RetryPolicy | None = None,
    ) -> None:
        install_log_filters()
        self._api_urls = checked_api_urls(api_url)
        self._api_url = self._api_urls[0]
        self._api_key = checked_api_key(api_key)
        self._secrets_lock = threading.Lock()
        self._secrets: set[str] = set()
        self._hold_secret(self._api_key)
        self._state = StateHolder(
            ClientState(
                mode=mode_for_url(self._api_url),
                configuration=InferenceConfiguration(),
                selected_model=None,
            )
        )
        self._options = make_options(
            ClientOptions(), timeout, max_retries, url_image_policy, retry_policy
        )
        self._pools = _Pools(self._api_urls)

    def __del__(self) -> None:
        secrets: set[str] = getattr(self, "_secrets", set())
        for secret in secrets:
            release_secret(secret)
        secrets.clear()

    def _hold_secret(self, secret: str | None) -> None:
        """Redact ``secret`` everywhere while this client (or a copy) lives."""
        if not secret:
            return
        with self._secrets_lock:
            if secret in self._secrets:
                return
            self._secrets.add(secret)
        register_secret(secret)

    def __repr__(self) -> str:
        state = self._state.current()
        shown = [display_url(url, mark_credentials=True) for url in self._api_urls]
        return (
            f"{type(self).__name__}(api_url={shown[0] if len(shown) == 1 else shown!r}, "
            f"api_key={'***' if self._api_key else None}, "
            f"client_mode={state.mode.value!r}, selected_model={state.selected_model!r})"
        )

    # State.

    @property
    def api_url(self) -> str:
        """The server's base URL; the first one for a client of several servers."""
        return self._api_url

    @property
    def api_urls(self) -> tuple[str, ...]:
        """Every server's base URL, in the order given (one for a client of one server)."""
        return self._api_urls

    def node_stats(self) -> tuple[NodeStats, ...]:
        """Each server's counters and health so far, in the order of :attr:`api_urls`.

        Shared with ``with_options`` copies (they use the same servers). For a client of one
        server, the counters are kept too (it is never taken out of rotation).
        """
        return self._pools.nodes.stats()

    @property
    def inference_configuration(self) -> InferenceConfiguration:
        """The configuration calls made now (in this thread or task) use."""
        return self._state.current().configuration

    @property
    def client_mode(self) -> HTTPClientMode:
        """The API version calls made now use: v0 (hosted) or v1 (self-hosted)."""
        return self._state.current().mode

    @property
    def selected_model(self) -> str | None:
        """The model used when a call gives no ``model_id``, if any."""
        return self._state.current().selected_model

    @property
    def options(self) -> ClientOptions:
        """Timeout, retry and URL-image settings of this client."""
        return self._options

    def configure(self: Self, inference_configuration: InferenceConfiguration) -> Self:
        """Use ``inference_configuration`` from now on; returns the client (chainable).

        Raises:
            InvalidParameterError: It is not an InferenceConfiguration, or a field has a
                value of the wrong type.
        """
        self._state.update_base(configuration=self._checked_configuration(inference_configuration))
        return self

    def select_api_v0(self: Self) -> Self:
        """Speak the hosted v0 API from now on; returns the client (chainable)."""
        self._state.update_base(mode=HTTPClientMode.V0)
        return self

    def select_api_v1(self: Self) -> Self:
        """Speak a self-hosted server's v1 API from now on; returns the client (chainable)."""
        self._state.update_base(mode=HTTPClientMode.V1)
        return self

    def select_model(self: Self, model_id: str) -> Self:
        """Use ``model_id`` when a call gives none; returns the client (chainable)."""
        self._state.update_base(selected_model=model_id)
        return self

    @contextlib.contextmanager
    def use_configuration(
        self: Self, inference_configuration: InferenceConfiguration
    ) -> Generator[Self, None, None]:
        """Use ``inference_configuration`` inside the ``with`` block (this thread or task only)."""
        configuration = self._checked_configuration(inference_configuration)
        with self._state.override(configuration=configuration):
            yield self

    def _checked_configuration(self, configuration: object) -> InferenceConfiguration:
        checked = checked_configuration(configuration)
        self._hold_secret(checked.service_secret)
        return checked

    @contextlib.contextmanager
    def use_api_v0(self: Self) -> Generator[Self, None, None]:
        """Speak the hosted v0 API inside the ``with`` block (this thread or task only)."""
        with self._state.override(mode=HTTPClientMode.V0):
            yield self

    @contextlib.contextmanager
    def use_api_v1(self: Self) -> Generator[Self, None, None]:
        """Speak the v1 API inside the ``with`` block (this thread or task only)."""
        with self._state.override(mode=HTTPClientMode.V1):
            yield self

    @contextlib.contextmanager
    def use_model(self: Self, model_id: str) -> Generator[Self, None, None]:
        """Use ``model_id`` by default inside the ``with`` block (this thread or task only)."""
        with self._state.override(selected_model=model_id):
            yield self

    def with_options(
        self: Self,
        *,
        timeout: httpx.Timeout | float | None = NOT_GIVEN,
        max_retries: int | None = None,
        url_image_policy: URLImagePolicy | None = None,
        retry_policy: RetryPolicy | None = None,
    ) -> Self:
        """A client like this one with other transport options, sharing its connections.

        The copy starts from this client's current state (mode, configuration, selected
        model) and changes independently of it; the original keeps its options::

            client.with_options(timeout=5, max_retries=0).get_server_info()

        Args:
            timeout: Seconds, an ``httpx.Timeout``, or None for no timeout at all; not given
                keeps this client's.
            max_retries: Retries of a transiently failed request; None keeps this client's.
            url_image_policy: How URL images are downloaded; None keeps this client's.
            retry_policy: Backoff settings; None keeps this client's.

        Raises:
            InvalidParameterError: A value is invalid.
        """
        options = make_options(self._options, timeout, max_retries, url_image_policy, retry_policy)
        copy = object.__new__(type(self))
        # Cached properties (``typed``) are bound to the original: the copy builds its own.
        cached = {
            name
            for klass in type(self).__mro__
            for name, value in vars(klass).items()
            if isinstance(value, functools.cached_property)
        }
        copy.__dict__.update({k: v for k, v in self.__dict__.items() if k not in cached})
        copy._state = self._state.copy()
        copy._options = options
        copy._secrets_lock = threading.Lock()
        copy._secrets = set()
        for secret in list(self._secrets):
            copy._hold_secret(secret)
        return copy

    # Resources.

    def close(self) -> None:
        """Close the synchronous connection pool (it reopens on next use)."""
        self._pools.close()

    async def aclose(self) -> None:
        """Close the running event loop's connection pool and the synchronous one."""
        await self._pools.async_driver.aclose()
        self._pools.close()

    def __enter__(self: Self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def __aenter__(self: Self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # Running plans.

    def _context(self) -> CallContext:
        state = self._state.current()
        return CallContext(
            api_url=self._api_url,
            api_key=self._api_key,
            mode=state.mode,
            configuration=state.configuration,
            selected_model=state.selected_model,
            options=self._options,
            model_cache=self._pools.nodes.cache,
            route=self._pools.nodes.route,
        )

    def _run(self, plan: Plan[T]) -> T:
        return self._pools.sync_driver().run(plan)

    async def _arun(self, plan: Plan[T]) -> T:
        return await self._pools.async_driver.run(plan)

    def _iter(self, plans: Any, limit: int, max_buffered: int | None = None) -> Iterator[Any]:
        return self._pools.sync_driver().iter_ordered(plans, limit, max_buffered)

    def _aiter(self, plans: Any, limit: int, max_buffered: int | None = None) -> AsyncIterator[Any]:
        return self._pools.async_driver.iter_ordered(plans, limit, max_buffered)


def as_batch(inference_input: object) -> tuple[list[object], bool]:
    """``(items, single)``: a sequence (list, tuple, ...) is a batch; anything else is one item.

    Text and bytes are sequences too, but they are one image (a path, a URL, base64, the
    file's bytes). Sets are refused: results come back in input order, which a set lacks.
    """
    if isinstance(inference_input, Sequence) and not isinstance(
        inference_input, str | bytes | bytearray | memoryview
    ):
        return list(inference_input), False
    if isinstance(inference_input, set | frozenset):
        raise InvalidInputFormatError(
            "a batch of images must be a list or another ordered sequence, not a "
            f"{type(inference_input).__name__} (results come back in input order)."
        )
    return [inference_input], True


def deliver(outcome: BatchOutcome[T], single: bool) -> T | list[T]:
    """The single result, or every result in order; the first failure raises (with ``.batch``)."""
    if single and outcome.outcomes and outcome.outcomes[0].error is not None:
        raise outcome.outcomes[0].error
    outcome.raise_first_error()
    values = [o.unwrap() for o in outcome.outcomes]
    return values[0] if single else values


def deliver_each(outcome: BatchOutcome[T], single: bool) -> Sequence[T] | T:
    """Like :func:`deliver`; kept separate for typed overloads of list-only methods."""
    return deliver(outcome, single)
