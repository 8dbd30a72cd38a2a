"""At run time the surface says what it is: real signatures, names, docstrings, no hidden Union.

Walks every public method of ``InferenceHTTPClient`` and of every ``client.typed`` namespace
(``surface.py``) and every name of ``rf_client.__all__``.
"""

from __future__ import annotations

import inspect
import re
import typing
from pathlib import Path

import pytest

import rf_client
from rf_client import InferenceHTTPClient
from tests.unit.typing_surface import docstrings
from tests.unit.typing_surface.surface import Member, documented, methods, typed, typed_namespaces

GAPS_FILE = Path(__file__).with_name("docstring_gaps.txt")

EVERY_METHOD = methods(documented()) + methods(typed())

ALWAYS_A_LIST = {
    "InferenceHTTPClient.infer_from_yolo_world",
    "InferenceHTTPClient.infer_from_yolo_world_async",
}
"""Methods that take one image or a list and give a list either way (inference-sdk 1.8.3's)."""


def _ids(members: list[Member]) -> list[str]:
    return [m.qualname for m in members]


@pytest.mark.parametrize("member", EVERY_METHOD, ids=_ids(EVERY_METHOD))
def test_signature_shows_the_real_parameters(member: Member) -> None:
    function = member.function
    assert function is not None
    signature = inspect.signature(function)
    kinds = {p.kind for p in signature.parameters.values()}
    assert inspect.Parameter.VAR_POSITIONAL not in kinds, signature
    assert inspect.Parameter.VAR_KEYWORD not in kinds, signature
    assert all(
        p.annotation is not inspect.Parameter.empty
        for name, p in signature.parameters.items()
        if name not in ("self", "cls")
    ), f"unannotated parameter: {signature}"
    assert signature.return_annotation is not inspect.Signature.empty
    assert function.__name__ == member.name
    assert function.__qualname__.endswith(f".{member.name}")
    assert function.__module__.startswith("rf_client.")
    assert (function.__doc__ or "").strip()


def test_bound_methods_show_the_same_parameters_as_their_functions() -> None:
    client = InferenceHTTPClient("http://127.0.0.1:9")
    try:
        bound = [(m, getattr(client, m.name)) for m in methods(documented())]
        bound += [
            (m, getattr(getattr(client.typed, m.qualname.split(".")[1]), m.name))
            for m in methods(typed())
        ]
        for member, method in bound:
            function = member.function
            assert function is not None
            expected = [
                p for p in inspect.signature(function).parameters if p not in ("self", "cls")
            ]
            assert list(inspect.signature(method).parameters) == expected, member.qualname
            assert method.__doc__ == function.__doc__, member.qualname
    finally:
        client.close()


def test_decorated_methods_keep_name_doc_and_parameters() -> None:
    # use_* are contextlib.contextmanager functions: the wrapper must stay transparent.
    wrapped = [m for m in EVERY_METHOD if hasattr(m.function, "__wrapped__")]
    assert {m.name for m in wrapped} >= {
        "use_model",
        "use_configuration",
        "use_api_v0",
        "use_api_v1",
    }
    for member in wrapped:
        function = member.function
        assert function is not None
        inner = inspect.unwrap(function)
        assert inspect.signature(function) == inspect.signature(inner)
        assert function.__name__ == inner.__name__ == member.name
        assert function.__doc__ == inner.__doc__


@pytest.mark.parametrize(
    "member", [m for m in EVERY_METHOD if m.is_async_twin], ids=lambda m: m.qualname
)
def test_async_twin_has_its_sync_twins_signature(member: Member) -> None:
    twin = inspect.getattr_static(member.owner, member.name.removesuffix("_async"))
    sync = twin.__func__ if isinstance(twin, classmethod | staticmethod) else twin
    function = member.function
    assert function is not None
    assert inspect.signature(function).parameters == inspect.signature(sync).parameters
    returns = str(inspect.signature(function).return_annotation)
    if "AsyncGenerator" in returns:
        # Iterated with ``async for`` straight away: not a coroutine to await first.
        assert not inspect.iscoroutinefunction(function)
    else:
        assert inspect.iscoroutinefunction(function)
        assert returns == str(inspect.signature(sync).return_annotation)
    for sync_overload, async_overload in zip(
        typing.get_overloads(sync), typing.get_overloads(function), strict=True
    ):
        assert inspect.signature(async_overload).parameters == (
            inspect.signature(sync_overload).parameters
        )


def test_one_or_many_results_are_overloaded_never_a_union_to_narrow() -> None:
    union = re.compile(r"^(?P<one>[\w\[\], ]+) \| list\[(?P=one)\]$")
    unions = []
    for member in EVERY_METHOD:
        function = member.function
        assert function is not None
        returns = str(inspect.signature(function).return_annotation)
        if union.match(returns) or "| list[" in returns:
            overloads = typing.get_overloads(function)
            results = [str(inspect.signature(o).return_annotation) for o in overloads]
            # One image or a list; the typed API's batches also by on_error ("raise"/"return").
            expected = 4 if "on_error" in inspect.signature(function).parameters else 2
            assert len(overloads) == expected, f"{member.qualname} returns {returns}: {results}"
            lists = [r for r in results if r.startswith("list[")]
            assert len(lists) == expected // 2, (member.qualname, results)
            unions.append(member.qualname)
        # The images parameter decides one-or-many; clip_compare's prompt list does not.
        takes_a_list = any(
            "list[ImageInput]" in str(p.annotation)
            for name, p in inspect.signature(function).parameters.items()
            if name in ("inference_input", "images")
        )
        if takes_a_list and member.qualname not in ALWAYS_A_LIST:
            assert member.qualname in unions or typing.get_overloads(function), member.qualname
    assert len(unions) > 60


def test_typed_operations_return_generated_models_not_dicts() -> None:
    from rf_api_v1 import models

    allowed = {"list", "tuple", "None", "int", "str", "Generator", "AsyncGenerator", "R"}
    allowed |= {"NDArray", "np", "uint8", "float32", "RFClientError"}
    for member in methods(typed()):
        function = member.function
        assert function is not None
        returns = str(inspect.signature(function).return_annotation)
        assert "Any" not in returns, (member.qualname, returns)
        assert "dict" not in returns, (member.qualname, returns)
        names = set(re.findall(r"[A-Za-z_][\w]*", returns)) - allowed
        # A model; the model class given as ``response: type[R]`` (typed.video.stream); or an
        # array (typed.depth.depth_map decodes a depth response).
        generic = any(
            str(p.annotation) == "type[R]" for p in inspect.signature(function).parameters.values()
        )
        assert names or generic or returns.startswith("NDArray["), (member.qualname, returns)
        unknown = {n for n in names if not hasattr(models, n)}
        assert unknown == set(), (member.qualname, returns)


def test_every_public_name_has_a_docstring() -> None:
    missing = [m.qualname for m in documented() + typed() if docstrings.gaps(m) == ["docstring"]]
    for name in rf_client.__all__:
        value = getattr(rf_client, name)
        if isinstance(value, str) or typing.get_origin(value) is not None:
            # __version__, and type aliases (documented in their module: an alias object
            # carries no __doc__ at run time).
            continue
        if not (value.__doc__ or "").strip():
            missing.append(f"rf_client.{name}")
        if inspect.isclass(value):
            for attribute, static in vars(value).items():
                if attribute.startswith("_") or not inspect.isfunction(static):
                    continue
                if not (static.__doc__ or "").strip():
                    missing.append(f"rf_client.{name}.{attribute}")
    for namespace, owner in typed_namespaces().items():
        if not (owner.__doc__ or "").strip():
            missing.append(f"typed.{namespace}")
    assert missing == []


def test_docstrings_document_parameters_returns_and_errors() -> None:
    """No docstring gap beyond the ones pinned in docstring_gaps.txt (reported to the owners)."""
    known = {
        line.strip()
        for line in GAPS_FILE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    found = {
        f"{member.qualname}: {gap}"
        for member in documented() + typed()
        for gap in docstrings.gaps(member)
    }
    new = sorted(found - known)
    assert new == [], f"document these (Args/Returns/Raises sections): {new}"


def test_the_docstring_check_sees_sections_and_parameters() -> None:
    # The check itself: Args entries are matched by name, sections by their heading.
    infer = next(m for m in documented() if m.name == "infer")
    run_workflow = next(m for m in documented() if m.name == "run_workflow")
    assert docstrings.parameter_names(infer) == ["inference_input", "model_id"]
    assert docstrings.gaps(run_workflow) == []
    doc = inspect.getdoc(infer.function) or ""
    assert "model_id" in (docstrings.section(doc, "Args:") or "")
    assert docstrings.section(doc, "Returns:") is None
