"""What one call runs with: a frozen snapshot of the client's state at the moment it was made.

Public methods take the snapshot first thing, so a ``select_model`` or ``use_configuration``
in another thread or task cannot change a call half-way, and plans running in worker threads
need no access to the client.
"""

from __future__ import annotations

import urllib.parse

import attrs

from rf_client._aliases import resolve_model_alias
from rf_client._http import ClientOptions, Request
from rf_client._nodes import ModelDescriptionCache, Node, Route
from rf_client._redaction import redact
from rf_client.config import ApiKeyTransport, HTTPClientMode, InferenceConfiguration
from rf_client.errors import (
    APIKeyNotProvided,
    InvalidModelIdentifier,
    InvalidParameterTypeError,
    ModelNotSelectedError,
    WrongClientModeError,
)

HOSTED_V0_HOSTS = frozenset(
    {
        "detect.roboflow.com",
        "outline.roboflow.com",
        "classify.roboflow.com",
        "infer.roboflow.com",
        "serverless.roboflow.com",
        "asyncinfer.roboflow.com",
        "serverless.roboflow.one",
        "serverless.roboflow.eu",
        "serverless.roboflow-eu.one",
        "asyncinfer.roboflow.one",
    }
)
"""Hosts of Roboflow's hosted v0 API; a client for any other host starts in v1 mode."""


def mode_for_url(api_url: str) -> HTTPClientMode:
    """The API version a client for ``api_url`` starts in: v0 for the hosted hosts, else v1.

    The URL's host is compared (case-insensitively), not a string prefix, so
    ``https://detect.roboflow.com.example.org`` is not mistaken for the hosted API.
    """
    host = (urllib.parse.urlsplit(api_url.strip()).hostname or "").lower().rstrip(".")
    return HTTPClientMode.V0 if host in HOSTED_V0_HOSTS else HTTPClientMode.V1


@attrs.frozen
class CallContext:
    """The client's state for one call. ``api_key`` never shows in ``repr``.

    ``route`` says which servers its requests go to (``send(request, ctx.options,
    ctx.route)``); ``model_cache`` is the cache of its node, or of the whole set.
    """

    api_url: str
    api_key: str | None = attrs.field(repr=False)
    mode: HTTPClientMode
    configuration: InferenceConfiguration
    selected_model: str | None
    options: ClientOptions
    model_cache: ModelDescriptionCache = attrs.field(repr=False)
    route: Route = attrs.field(repr=False)

    def on_node(self, node: Node) -> CallContext:
        """This call's context with every request going to ``node`` (no failover)."""
        return attrs.evolve(self, route=Route(self.route.nodes, node), model_cache=node.cache)

    @property
    def api_key_transport(self) -> ApiKeyTransport:
        """The key's channel: the configured one, else header (v1) or header + query (v0)."""
        configured = self.configuration.api_key_transport
        if configured is not None:
            return ApiKeyTransport(configured)
        return ApiKeyTransport.HEADER if self.mode is HTTPClientMode.V1 else ApiKeyTransport.BOTH

    def auth_headers(self) -> dict[str, str]:
        """The ``Authorization`` header, when the transport uses it and there is a key."""
        if self.api_key and self.api_key_transport is not ApiKeyTransport.LEGACY:
            return {"Authorization": f"Bearer {self.api_key}"}
        return {}

    def legacy_api_key(self) -> str | None:
        """The key for the ``api_key`` query parameter or body field, when the transport uses it."""
        if self.api_key and self.api_key_transport is not ApiKeyTransport.HEADER:
            return self.api_key
        return None

    def authorised(self, request: Request) -> Request:
        """``request`` with the ``Authorization`` header added where the transport uses it."""
        headers = self.auth_headers()
        return request.with_headers(headers) if headers else request

    def require_v1(self, operation: str) -> None:
        """Raise WrongClientModeError unless the client is in v1 mode."""
        if self.mode is not HTTPClientMode.V1:
            raise WrongClientModeError(
                f"{operation} needs a self-hosted inference server (API v1), but the client is in "
                "v0 mode: use select_api_v1() or use_api_v1() with a v1 server's api_url."
            )

    def require_api_key(self, operation: str) -> str:
        """The API key; APIKeyNotProvided when the client has none."""
        if not self.api_key:
            raise APIKeyNotProvided(
                f"{operation} needs an API key: pass api_key= to InferenceHTTPClient "
                "(the hosted API refuses calls without one)."
            )
        return self.api_key

    def model_id(self, given: str | None, operation: str) -> str:
        """The model id to use: ``given`` or the selected model, alias-resolved and checked."""
        chosen = given if given is not None else self.selected_model
        if chosen is None:
            raise ModelNotSelectedError(
                f"{operation} needs a model: pass model_id=... or select one with "
                "select_model()/use_model()."
            )
        return check_model_id(chosen)


def check_model_id(model_id: object) -> str:
    """``model_id`` alias-resolved, or InvalidModelIdentifier when it cannot be a model id.

    A value that is not a string raises InvalidParameterTypeError (a TypeError, as 1.8.3's
    failure on, say, a list was).
    """
    if not isinstance(model_id, str):
        raise InvalidParameterTypeError(
            f"model id must be a string like 'project/3', not {type(model_id).__name__}"
        )
    stripped = model_id.strip()
    if (
        not stripped
        or stripped != model_id
        or any(character.isspace() or character in "?#\\" for character in model_id)
        or model_id.startswith("/")
        or model_id.endswith("/")
        or "//" in model_id
    ):
        raise InvalidModelIdentifier(
            f"invalid model id {redact(model_id)!r}: expected 'project/version' (e.g. 'coco/3') "
            "or a model alias, without spaces."
        )
    return resolve_model_alias(model_id)


def split_v0_model_id(model_id: str) -> tuple[str, str]:
    """``("project", "3")`` from ``"project/3"``; InvalidModelIdentifier for any other shape."""
    parts = model_id.split("/")
    if len(parts) != 2 or not all(parts):
        raise InvalidModelIdentifier(
            f"invalid model id {redact(model_id)!r} for the v0 API: expected 'project/version' "
            "(e.g. 'soccer-players-5fuqs/1')."
        )
    return parts[0], parts[1]
