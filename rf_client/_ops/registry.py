"""Server information and the model registry (v1 only)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from rf_client._batch import BatchOutcome
from rf_client._context import CallContext
from rf_client._http import Request
from rf_client._plan import Plan, gather, send
from rf_client.errors import ModelNotInitializedError, ResponseValidationError

if TYPE_CHECKING:
    from rf_api_v1.models import ModelDescriptionEntity, ModelsDescriptions, ServerVersionInfo

M = TypeVar("M")


def parse_model(from_dict: Callable[[Mapping[str, Any]], M], data: object, endpoint: str) -> M:
    """``from_dict(data)`` of a generated model; ResponseValidationError if ``data`` misfits."""
    model_name = getattr(getattr(from_dict, "__self__", None), "__name__", "model")
    if not isinstance(data, dict):
        raise ResponseValidationError(
            f"{endpoint} answered {type(data).__name__} where a {model_name} object was expected."
        )
    try:
        return from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ResponseValidationError(
            f"{endpoint} answered a {model_name} that does not fit its schema "
            f"({type(error).__name__}: {error})."
        ) from None


def get_server_info(ctx: CallContext) -> Plan[ServerVersionInfo]:
    """``GET /info``: the server's name, version and instance id (of one server of the set)."""
    from rf_api_v1.api.server import get_server_info as operation
    from rf_api_v1.models import ServerVersionInfo

    reply = yield from send(
        ctx.authorised(Request.from_generated(operation.build_request_kwargs())),
        ctx.options,
        ctx.route,
    )
    return parse_model(ServerVersionInfo.from_dict, reply.json(), reply.endpoint)


def _models_descriptions(reply_data: object, endpoint: str) -> ModelsDescriptions:
    from rf_api_v1.models import ModelsDescriptions

    return parse_model(ModelsDescriptions.from_dict, reply_data, endpoint)


def on_every_node(
    ctx: CallContext, plan: Callable[[CallContext], Plan[ModelsDescriptions]]
) -> Plan[ModelsDescriptions]:
    """``plan`` on each server of the client at once; the union of their registries.

    A client of one server (or a call pinned to one) runs ``plan`` once. With several, every
    server is asked; when one fails, the first failure raises (its message names the server)
    with ``error.batch`` holding each server's registry or error, in the order of the URLs.
    """
    if not ctx.route.spread:
        return (yield from plan(ctx))
    nodes = ctx.route.nodes.nodes
    outcomes = yield from gather([plan(ctx.on_node(node)) for node in nodes], len(nodes))
    BatchOutcome(outcomes).raise_first_error()
    registries = [outcome.unwrap() for outcome in outcomes]
    return _union(registries)


def _union(registries: list[ModelsDescriptions]) -> ModelsDescriptions:
    """Every model loaded on any of the servers, once (the first server's entry)."""
    seen: set[str] = set()
    merged = []
    for registry in registries:
        for entry in registry.models:
            if entry.model_id not in seen:
                seen.add(entry.model_id)
                merged.append(entry)
    union = attrs.evolve(registries[0], models=merged)
    union.additional_properties = dict(registries[0].additional_properties)
    return union


def _loaded_models(ctx: CallContext) -> Plan[tuple[ModelsDescriptions, str | None]]:
    """``GET /model/registry`` on one server; its registry and the server that answered."""
    from rf_api_v1.api.models import list_models as operation

    request = Request.from_generated(operation.build_request_kwargs())
    key = ctx.legacy_api_key()
    if key:
        request = request.with_params({"api_key": key})
    reply = yield from send(ctx.authorised(request), ctx.options, ctx.route)
    return _models_descriptions(reply.json(), reply.endpoint), reply.node


def list_loaded_models(ctx: CallContext) -> Plan[ModelsDescriptions]:
    """``GET /model/registry``: the models the server has loaded (every server: the union)."""
    ctx.require_v1("list_loaded_models")

    def on_node(node_ctx: CallContext) -> Plan[ModelsDescriptions]:
        registry, _node = yield from _loaded_models(node_ctx)
        return registry

    return (yield from on_every_node(ctx, on_node))


def load_model(ctx: CallContext, model_id: str) -> Plan[ModelsDescriptions]:
    """``POST /model/add``: load ``model_id`` on the server (on every server); the registry
    afterwards (the union)."""
    ctx.require_v1("load_model")
    model = ctx.model_id(model_id, "load_model")
    return (yield from on_every_node(ctx, lambda node_ctx: _load_model(node_ctx, model)))


def _load_model(ctx: CallContext, model: str) -> Plan[ModelsDescriptions]:
    from rf_api_v1.api.models import add_model as operation
    from rf_api_v1.models import AddModelRequest
    from rf_api_v1.types import UNSET

    ctx.model_cache.forget(model)
    body = AddModelRequest(model_id=model, api_key=ctx.legacy_api_key() or UNSET)
    kwargs = operation.build_request_kwargs(body=body, **billing_query(ctx))
    reply = yield from send(ctx.authorised(Request.from_generated(kwargs)), ctx.options, ctx.route)
    return _models_descriptions(reply.json(), reply.endpoint)


def unload_model(ctx: CallContext, model_id: str) -> Plan[ModelsDescriptions]:
    """``POST /model/remove``: unload ``model_id`` (from every server); the registry afterwards."""
    from rf_api_v1.api.models import remove_model as operation
    from rf_api_v1.models import ClearModelRequest

    ctx.require_v1("unload_model")
    model = ctx.model_id(model_id, "unload_model")

    def on_node(node_ctx: CallContext) -> Plan[ModelsDescriptions]:
        node_ctx.model_cache.forget(model)
        kwargs = operation.build_request_kwargs(body=ClearModelRequest(model_id=model))
        request = node_ctx.authorised(Request.from_generated(kwargs))
        reply = yield from send(request, node_ctx.options, node_ctx.route)
        return _models_descriptions(reply.json(), reply.endpoint)

    return (yield from on_every_node(ctx, on_node))


def unload_all_models(ctx: CallContext) -> Plan[ModelsDescriptions]:
    """``POST /model/clear``: unload every model (of every server); the (empty) registry."""
    from rf_api_v1.api.models import clear_models as operation

    ctx.require_v1("unload_all_models")

    def on_node(node_ctx: CallContext) -> Plan[ModelsDescriptions]:
        node_ctx.model_cache.forget()
        request = node_ctx.authorised(Request.from_generated(operation.build_request_kwargs()))
        reply = yield from send(request, node_ctx.options, node_ctx.route)
        return _models_descriptions(reply.json(), reply.endpoint)

    return (yield from on_every_node(ctx, on_node))


def find_model(registry: ModelsDescriptions, model_id: str) -> ModelDescriptionEntity | None:
    """The registry's entry for ``model_id`` (also matching its request aliases), or None."""
    for entry in registry.models:
        aliases = entry.request_aliases if isinstance(entry.request_aliases, list) else []
        if entry.model_id == model_id or model_id in aliases:
            return entry
    return None


def get_model_description(
    ctx: CallContext, model_id: str, allow_loading: bool = True
) -> Plan[ModelDescriptionEntity]:
    """The model's registry entry (task type, input size), cached per server.

    When the server does not have the model and ``allow_loading`` is True it is loaded first.
    """
    ctx.require_v1("get_model_description")
    model = ctx.model_id(model_id, "get_model_description")
    cached = ctx.model_cache.get(model)
    if cached is not None:
        description: ModelDescriptionEntity = cached
        return description
    # Among several servers: asked of one, loaded (if needed) and cached on that one.
    registry, answered = yield from _loaded_models(ctx)
    node = ctx.route.nodes.node_of(answered)
    if node is not None:
        ctx = ctx.on_node(node)
    entry = find_model(registry, model)
    if entry is None and allow_loading:
        registry = yield from _load_model(ctx, model)
        entry = find_model(registry, model)
    if entry is None:
        raise ModelNotInitializedError(
            f"model {model!r} is not loaded on the server"
            + (
                " and could not be found after loading it."
                if allow_loading
                else "; pass allow_loading=True or load_model() it first."
            )
        )
    ctx.model_cache.put(model, entry)
    return entry


def billing_query(ctx: CallContext) -> dict[str, Any]:
    """``countinference`` / ``service_secret`` keyword arguments for a generated operation."""
    return ctx.configuration.to_billing_query_parameters() or {}
