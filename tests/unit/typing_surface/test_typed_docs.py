"""docs/typed.md stays true: its example is the checked module, its table the real namespaces."""

from __future__ import annotations

import inspect
import re

from tests.unit.typing_surface.mypy_cases import ROOT, TYPING_DIR
from tests.unit.typing_surface.surface import methods, typed, typed_namespaces

DOC = ROOT / "docs" / "typed.md"
EXAMPLE = TYPING_DIR / "example_typed_usage.py"
MARKER = "<!-- checked: tests/typing/example_typed_usage.py -->"


def _table() -> dict[str, tuple[set[str], set[str]]]:
    """Namespace -> (operations, model names) from the doc's namespaces table."""
    rows: dict[str, tuple[set[str], set[str]]] = {}
    for line in DOC.read_text().splitlines():
        match = re.match(r"^\| `client\.typed\.(\w+)` \| (.*) \| (.*) \|$", line)
        if match:
            operations = set(re.findall(r"`(\w+)`", match.group(2)))
            returned = set(re.findall(r"`([A-Z]\w*)", match.group(3)))  # class names
            rows[match.group(1)] = (operations, returned)
    return rows


def test_the_example_is_the_checked_module_verbatim() -> None:
    doc = DOC.read_text()
    assert doc.count(MARKER) == 1
    block = re.search(re.escape(MARKER) + r"\n```python\n(.*?)```\n", doc, re.DOTALL)
    assert block is not None
    module = EXAMPLE.read_text()
    body = module.split('"""', 2)[2].lstrip("\n")
    assert block.group(1) == body


def test_the_table_lists_every_namespace_and_operation() -> None:
    table = _table()
    assert set(table) == set(typed_namespaces())
    for namespace, (operations, _) in table.items():
        actual = {
            m.name
            for m in methods(typed())
            if m.qualname.split(".")[1] == namespace and not m.name.endswith("_async")
        }
        assert operations == actual, namespace


def test_the_table_names_the_models_the_operations_return() -> None:
    for namespace, (_, returned) in _table().items():
        annotations = " ".join(
            str(inspect.signature(m.function).return_annotation)
            for m in methods(typed())
            if m.qualname.split(".")[1] == namespace and m.function is not None
        )
        named = set(re.findall(r"[A-Za-z]\w*", annotations))
        assert returned <= named, (namespace, returned - named)
