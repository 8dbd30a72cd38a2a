"""tests/typing pins the type of every public method's result, and mypy checks it in CI.

The public surface is walked (``surface.py``); the check modules are read with ``ast``: each
method must be called where its result reaches ``assert_type`` (directly, through a variable,
a ``for`` loop or a ``with`` block), sync and async alike.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

from tests.unit.typing_surface.mypy_cases import CASE_SUFFIX, ROOT, TYPING_DIR
from tests.unit.typing_surface.surface import Member, documented, methods, typed

CHECK_MODULES = sorted(p for p in TYPING_DIR.glob("*.py") if not p.name.startswith("_"))


def _chain(node: ast.expr, aliases: dict[str, list[str]]) -> list[str] | None:
    """``client.typed.clip.embed_images`` as a list of names (aliases expanded), else None."""
    names: list[str] = []
    while isinstance(node, ast.Attribute):
        names.append(node.attr)
        node = node.value
    if isinstance(node, ast.Call):
        # mine.configure(...).select_model(...): the chain goes on through the call.
        root = _chain(node.func, aliases)
    elif isinstance(node, ast.Name):
        root = aliases.get(node.id, [node.id])
    else:
        return None
    return None if root is None else [*root, *reversed(names)]


def _aliases(tree: ast.Module) -> dict[str, list[str]]:
    """``encoder = client.typed.perception_encoder``: the names that stand for a chain."""
    found: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Attribute)
        ):
            chain = _chain(node.value, found)
            if chain is not None:
                found[node.targets[0].id] = chain
    return found


def _asserted_chains(path: Path) -> set[tuple[str, ...]]:
    """Every attribute chain of ``path`` whose value reaches ``assert_type``."""
    tree = ast.parse(path.read_text())
    aliases = _aliases(tree)
    asserted_names: set[str] = set()
    sources: list[ast.expr] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "assert_type"
            and node.args
        ):
            sources.append(node.args[0])
            asserted_names.update(n.id for n in ast.walk(node.args[0]) if isinstance(n, ast.Name))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in asserted_names for t in node.targets
        ):
            sources.append(node.value)
        elif isinstance(node, ast.For | ast.AsyncFor):
            sources.append(node.iter)
        elif isinstance(node, ast.With | ast.AsyncWith):
            sources.extend(item.context_expr for item in node.items)
    chains: set[tuple[str, ...]] = set()
    for source in sources:
        for node in ast.walk(source):
            if isinstance(node, ast.Attribute):
                chain = _chain(node, aliases)
                if chain is not None:
                    chains.add(tuple(chain))
    return chains


def _called_names(path: Path) -> set[str]:
    """Every method name called anywhere in ``path`` (for methods that return None)."""
    tree = ast.parse(path.read_text())
    return {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }


def _returns_none(member: Member) -> bool:
    function = member.function
    return function is not None and function.__annotations__.get("return") in ("None", None)


def test_every_documented_method_and_property_is_asserted() -> None:
    chains = set().union(*(_asserted_chains(p) for p in CHECK_MODULES))
    # Chains through client.typed are the typed API's (typed.yolo_world.infer is not infer).
    asserted = {chain[-1] for chain in chains if len(chain) >= 2 and chain[1] != "typed"}
    called = set().union(*(_called_names(p) for p in CHECK_MODULES))
    missing = [
        m.qualname
        for m in documented()
        if m.name != "typed"
        and m.name not in asserted
        and not (_returns_none(m) and m.name in called)
    ]
    assert missing == [], f"no assert_type in tests/typing for: {missing}"


def test_every_typed_operation_is_asserted_sync_and_async() -> None:
    chains = set().union(*(_asserted_chains(p) for p in CHECK_MODULES))
    asserted = {".".join(chain[1:4]) for chain in chains if len(chain) >= 4 and chain[1] == "typed"}
    expected = {m.qualname for m in methods(typed())}
    assert expected - asserted == set(), "typed ops without assert_type in tests/typing"
    assert {q for q in expected if q.endswith("_async")}, "the walk found no async twins"


def test_typed_namespaces_are_reached_through_client_typed() -> None:
    chains = set().union(*(_asserted_chains(p) for p in CHECK_MODULES))
    namespaces = {m.qualname.split(".")[1] for m in typed()}
    reached = {chain[2] for chain in chains if len(chain) >= 3 and chain[1] == "typed"}
    assert namespaces <= reached


def test_check_modules_import_without_a_server() -> None:
    for path in CHECK_MODULES:
        module = importlib.import_module(f"tests.typing.{path.stem}")
        functions = [name for name in vars(module) if name.startswith("check_")]
        assert functions or path.stem.startswith("example_"), path.name


def test_make_typecheck_runs_mypy_and_pyright_over_the_checks() -> None:
    makefile = (ROOT / "Makefile").read_text()
    target = re.search(r"^typecheck:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert target is not None
    recipe = target.group(1)
    assert re.search(r"mypy .*\btests\b", recipe), recipe
    assert "pyright" in recipe
    pyright = (ROOT / "pyrightconfig.json").read_text()
    assert '"tests/typing"' in pyright


def test_case_files_stay_out_of_the_normal_mypy_run() -> None:
    cases = [p for p in TYPING_DIR.rglob("*") if p.name.endswith(CASE_SUFFIX)]
    assert cases
    assert not [p for p in TYPING_DIR.rglob("*.py") if p.parent != TYPING_DIR]
