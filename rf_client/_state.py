"""The client's changeable state (mode, configuration, selected model), thread and task safe.

``select_*`` / ``configure`` change the client's *base* state, seen by every caller. The
``use_*`` context managers set an *override* in a context variable, so they apply to the
current thread or asyncio task only and end when the block ends: one task's
``use_model(...)`` never leaks into another's call.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Generator, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from rf_client.config import HTTPClientMode, InferenceConfiguration


@attrs.frozen
class ClientState:
    """Mode, configuration and selected model, as one immutable value."""

    mode: HTTPClientMode
    configuration: InferenceConfiguration
    selected_model: str | None


_OVERRIDES: contextvars.ContextVar[Mapping[object, Mapping[str, Any]]] = contextvars.ContextVar(
    "rf_client_state_overrides", default=MappingProxyType({})
)


class StateHolder:
    """Holds one client's base state and reads its context-local overrides."""

    def __init__(self, initial: ClientState) -> None:
        self._lock = threading.Lock()
        self._base = initial
        self._key = object()

    def current(self) -> ClientState:
        """The state a call made now, in this thread or task, runs with."""
        override = _OVERRIDES.get().get(self._key)
        base = self._base
        return attrs.evolve(base, **override) if override else base

    def update_base(self, **changes: Any) -> None:
        """Change the base state (``select_*``, ``configure``)."""
        with self._lock:
            self._base = attrs.evolve(self._base, **changes)

    @contextlib.contextmanager
    def override(self, **changes: Any) -> Generator[None, None, None]:
        """Apply ``changes`` in the current context until the block ends."""
        overrides = _OVERRIDES.get()
        merged = {**overrides.get(self._key, {}), **changes}
        token = _OVERRIDES.set(MappingProxyType({**overrides, self._key: MappingProxyType(merged)}))
        try:
            yield
        finally:
            _OVERRIDES.reset(token)

    def copy(self) -> StateHolder:
        """A holder starting from this one's current state (for ``with_options`` copies)."""
        return StateHolder(self.current())
