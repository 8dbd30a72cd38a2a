"""docs/typed.md's section on generated workflows stays true: its example is the checked module,
its kinds table the generator's mapping."""

from __future__ import annotations

import re

from rf_client._workflow_codegen.kinds import OUTPUT_KINDS
from tests.unit.typing_surface.mypy_cases import ROOT, TYPING_DIR

DOC = ROOT / "docs" / "typed.md"
EXAMPLE = TYPING_DIR / "example_generated_workflow.py"
MARKER = "<!-- checked: tests/typing/example_generated_workflow.py -->"


def test_the_example_is_the_checked_module_verbatim() -> None:
    doc = DOC.read_text()
    assert doc.count(MARKER) == 1
    block = re.search(re.escape(MARKER) + r"\n```python\n(.*?)```\n", doc, re.DOTALL)
    assert block is not None
    body = EXAMPLE.read_text().split('"""', 2)[2].lstrip("\n")
    assert block.group(1) == body


def test_the_kinds_table_names_every_precisely_typed_kind() -> None:
    section = DOC.read_text().split("## Generated workflows", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`([a-z_]+)`", section))
    # "..." in the table stands for the other string kinds.
    strings = {kind for kind, t in OUTPUT_KINDS.items() if t.annotation == "str"}
    assert set(OUTPUT_KINDS) - strings <= documented
    assert {"string", "top_class"} <= documented


def test_no_generated_workflow_reveal_has_any() -> None:
    from tests.unit.typing_surface.mypy_cases import run_cases

    reveals = [m.text for m in run_cases()["reveal"] if m.case == "generated_workflow.py.txt"]
    assert len(reveals) >= 8
    assert [text for text in reveals if "Any" in text] == []
