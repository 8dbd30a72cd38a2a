"""What every part of :class:`~rf_client.InferenceHTTPClient` shares: state, options, drivers.

The client class is assembled from mixins, one per family of routes (``_client_*.py``), all
built on :class:`BaseClient`: it holds the configuration and the connection pools, takes the
per-call snapshot (:meth:`BaseClient._context`) and runs plans with the sync or the async
driver (:meth:`BaseClient._run` / :meth:`BaseClient._arun`). Sync and async methods differ in
that one call only.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any, TypeVar

import attrs
import httpx

from rf_client._batch import BatchOutcome
from rf_client._context import CallContext, ModelDescriptionCache, mode_for_url
from rf_client._http import DEFAULT_TIMEOUT, ClientOptions, RetryPolicy, URLImagePolicy
from rf_client._plan import AsyncDriver, Plan, SyncDriver
from rf_client._redaction import register_secret, release_secret
from rf_client._state import ClientState, StateHolder
from rf_client.config import HTTPClientMode, InferenceConfiguration
from rf_client.errors import InvalidInputError, InvalidParameterError

T = TypeVar("T")
Self = TypeVar("Self", bound="BaseClient")

_NOT_GIVEN: Any = object()


class _Pools:
    """The connection pools one client (and its ``with_options`` copies) share."""

    def __init__(self, api_url: str) -> None:
        self.api_url = api_url
        self._lock = threading.Lock()
        self._sync: httpx.Client | None = None
        self.async_driver = AsyncDriver(self._new_async_client, api_url)

    @staticmethod
    def _limits() -> httpx.Limits:
        return httpx.Limits(max_connections=100, max_keepalive_connections=32)

    def _new_async_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            limits=self._limits(), follow_redirects=False, timeout=DEFAULT_TIMEOUT
        )

    def sync_driver(self) -> SyncDriver:
        with self._lock:
            if self._sync is None or self._sync.is_closed:
                self._sync = httpx.Client(
                    limits=self._limits(), follow_redirects=False, timeout=DEFAULT_TIMEOUT
                )
            return SyncDriver(self._sync, self.api_url)

    def close(self) -> None:
        with self._lock:
            if self._sync is not None:
                self._sync.close()
                self._sync = None


class BaseClient:
    """Configuration, state and request running shared by every method of the client."""

    def __init__(
        self,
        api_url: str,
        api_key: str | None = None,
        *,
        timeout: httpx.Timeout | float | None = _NOT_GIVEN,
        max_retries: int = 2,
        url_image_policy: URLImagePolicy | None = None,
    ) -> None:
        if not isinstance(api_url, str) or not api_url.strip().startswith(("http://", "https://")):
            raise InvalidParameterError(
                f"api_url must be an http(s) URL such as 'http://localhost:9001', not {api_url!r}."
            )
        if api_key is not None and not isinstance(api_key, str):
            raise InvalidParameterError("api_key must be a string or None.")
        self._api_url = api_url.strip().rstrip("/")
        self._api_key = api_key or None
        register_secret(self._api_key)
        self._state = StateHolder(
            ClientState(
                mode=mode_for_url(self._api_url),
                configuration=InferenceConfiguration(),
                selected_model=None,
            )
        )
        self._options = _make_options(ClientOptions(), timeout, max_retries, url_image_policy)
        self._pools = _Pools(self._api_url)
        self._model_cache = ModelDescriptionCache()
        self._released = False

    def __del__(self) -> None:
        if not getattr(self, "_released", True):
            release_secret(self._api_key)
            self._released = True

    def __repr__(self) -> str:
        state = self._state.current()
        return (
            f"{type(self).__name__}(api_url={self._api_url!r}, "
            f"api_key={'***' if self._api_key else None}, "
            f"client_mode={state.mode.value!r}, selected_model={state.selected_model!r})"
        )

    # State.

    @property
    def api_url(self) -> str:
        """The server's base URL."""
        return self._api_url

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
        """Use ``inference_configuration`` from now on; returns the client (chainable)."""
        self._state.update_base(configuration=_checked_configuration(inference_configuration))
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
    ) -> Iterator[Self]:
        """Use ``inference_configuration`` inside the ``with`` block (this thread or task only)."""
        with self._state.override(configuration=_checked_configuration(inference_configuration)):
            yield self

    @contextlib.contextmanager
    def use_api_v0(self: Self) -> Iterator[Self]:
        """Speak the hosted v0 API inside the ``with`` block (this thread or task only)."""
        with self._state.override(mode=HTTPClientMode.V0):
            yield self

    @contextlib.contextmanager
    def use_api_v1(self: Self) -> Iterator[Self]:
        """Speak the v1 API inside the ``with`` block (this thread or task only)."""
        with self._state.override(mode=HTTPClientMode.V1):
            yield self

    @contextlib.contextmanager
    def use_model(self: Self, model_id: str) -> Iterator[Self]:
        """Use ``model_id`` by default inside the ``with`` block (this thread or task only)."""
        with self._state.override(selected_model=model_id):
            yield self

    def with_options(
        self: Self,
        *,
        timeout: httpx.Timeout | float | None = _NOT_GIVEN,
        max_retries: int | None = None,
        url_image_policy: URLImagePolicy | None = None,
    ) -> Self:
        """A client like this one with other transport options, sharing its connections.

        ``timeout`` is seconds (or an ``httpx.Timeout``); ``None`` means no timeout at all.
        The copy starts from this client's current state and changes independently of it::

            client.with_options(timeout=5, max_retries=0).get_server_info()
        """
        copy = object.__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy._state = self._state.copy()
        copy._options = _make_options(
            self._options,
            timeout,
            self._options.retry.max_retries if max_retries is None else max_retries,
            url_image_policy,
        )
        register_secret(copy._api_key)
        copy._released = False
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
            model_cache=self._model_cache,
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
    """``(items, single)``: a list stays a batch; anything else is one item."""
    if isinstance(inference_input, list):
        return list(inference_input), False
    if isinstance(inference_input, tuple | set | frozenset):
        raise InvalidInputError(
            f"a batch of images must be a list, not a {type(inference_input).__name__}."
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


def _checked_configuration(configuration: object) -> InferenceConfiguration:
    if not isinstance(configuration, InferenceConfiguration):
        raise InvalidParameterError(
            f"expected an InferenceConfiguration, not {type(configuration).__name__}."
        )
    return configuration


def _make_options(
    base: ClientOptions,
    timeout: httpx.Timeout | float | None,
    max_retries: int,
    url_image_policy: URLImagePolicy | None,
) -> ClientOptions:
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise InvalidParameterError(
            f"max_retries must be a whole number of at least 0, not {max_retries!r}."
        )
    if timeout is _NOT_GIVEN:
        resolved_timeout = base.timeout
    elif timeout is None or isinstance(timeout, httpx.Timeout):
        resolved_timeout = timeout
    elif isinstance(timeout, int | float) and not isinstance(timeout, bool) and timeout > 0:
        resolved_timeout = httpx.Timeout(float(timeout))
    else:
        raise InvalidParameterError(
            "timeout must be seconds above 0, an httpx.Timeout, or None (no timeout), "
            f"not {timeout!r}."
        )
    return attrs.evolve(
        base,
        timeout=resolved_timeout,
        retry=attrs.evolve(base.retry, max_retries=max_retries)
        if isinstance(base.retry, RetryPolicy)
        else base.retry,
        url_images=url_image_policy or base.url_images,
    )
