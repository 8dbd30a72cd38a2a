"""The seed tests cover every code example of the documentation, each exactly once."""

from __future__ import annotations

import re
from types import ModuleType

import pytest

from tests.unit.seed import (
    test_seed_core_models,
    test_seed_model_inference,
    test_seed_server_control,
    test_seed_streams,
    test_seed_workflows,
)
from tests.unit.seed.seed_support import DOCUMENTATION, SHARED_DOCUMENTATION, normalised

MODULES: list[ModuleType] = [
    test_seed_model_inference,
    test_seed_core_models,
    test_seed_streams,
    test_seed_server_control,
    test_seed_workflows,
]


def examples() -> dict[str, str]:
    """Every ``EXAMPLE_*`` constant of the seed test modules, by qualified name."""
    found: dict[str, str] = {}
    for module in MODULES:
        for name, value in vars(module).items():
            if name.startswith("EXAMPLE_") and isinstance(value, str):
                found[f"{module.__name__.rsplit('.', 1)[-1]}.{name}"] = value
    return found


def test_every_documented_example_has_exactly_one_test() -> None:
    document = normalised(DOCUMENTATION.read_text())
    spans: dict[str, tuple[int, int]] = {}
    for name, code in examples().items():
        text = normalised(code)
        start = document.find(text)
        assert start >= 0, f"{name} is not verbatim in the documentation"
        assert document.find(text, start + 1) == -1, f"{name} occurs twice in the documentation"
        spans[name] = (start, start + len(text))
    imports = [m.start() for m in re.finditer(r"from inference_sdk import", document)]
    assert len(imports) == 23
    for position in imports:
        covering = [name for name, (start, end) in spans.items() if start <= position < end]
        line = document[position : document.find("\n", position)]
        assert len(covering) == 1, (
            f"example at {line!r} (offset {position}) is covered by {covering}"
        )
    assert len(spans) == len(imports)


@pytest.mark.skipif(
    not SHARED_DOCUMENTATION.exists(), reason="the shared seed documentation is not on this machine"
)
def test_the_copy_is_the_shared_documentation() -> None:
    assert DOCUMENTATION.read_bytes() == SHARED_DOCUMENTATION.read_bytes()
