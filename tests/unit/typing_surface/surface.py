"""The public surface of rf-client, walked programmatically (never listed by hand).

The documented API is every public attribute of ``InferenceHTTPClient`` (its mixins included);
the typed API is every public method of every namespace ``client.typed`` holds. A method added
tomorrow is part of these walks, so the tests built on them cover it without being edited.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import Any

from rf_client import InferenceHTTPClient


@dataclasses.dataclass(frozen=True)
class Member:
    """One public name of the surface."""

    qualname: str
    """``InferenceHTTPClient.infer`` or ``typed.clip.embed_images``."""
    name: str
    static: object
    """The attribute as the class holds it (function, property, classmethod, ...)."""
    owner: type

    @property
    def function(self) -> Callable[..., Any] | None:
        """The callable behind a method (None for properties)."""
        static = self.static
        if isinstance(static, classmethod | staticmethod):
            return static.__func__
        if inspect.isfunction(static):
            return static
        return None

    @property
    def is_async_twin(self) -> bool:
        """An ``_async`` method whose synchronous twin exists."""
        return self.name.endswith("_async") and hasattr(self.owner, self.name[: -len("_async")])


def _members(owner: type, prefix: str) -> list[Member]:
    return [
        Member(f"{prefix}.{name}", name, inspect.getattr_static(owner, name), owner)
        for name in sorted(dir(owner))
        if not name.startswith("_")
    ]


def documented() -> list[Member]:
    """Every public attribute of ``InferenceHTTPClient``."""
    return _members(InferenceHTTPClient, "InferenceHTTPClient")


def typed_namespaces() -> dict[str, type]:
    """``client.typed``'s namespaces by attribute name, as a client builds them."""
    client = InferenceHTTPClient("http://127.0.0.1:9")
    try:
        return {name: type(value) for name, value in vars(client.typed).items()}
    finally:
        client.close()


def typed() -> list[Member]:
    """Every public method of every typed namespace."""
    return [
        member
        for namespace, owner in typed_namespaces().items()
        for member in _members(owner, f"typed.{namespace}")
    ]


def methods(members: list[Member]) -> list[Member]:
    """The members that are methods (properties and cached properties left out)."""
    return [m for m in members if m.function is not None]
