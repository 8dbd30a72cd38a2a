"""check-generated: tree comparison, freshness of the committed output, determinism."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen.check import check_fresh, compare_trees
from codegen.generate import GENERATED_DIR, TARGETS, generate_package


def make_tree(root: Path, files: dict[str, bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return root


def test_compare_trees_reports_missing_unexpected_and_differing_files(tmp_path: Path) -> None:
    expected = make_tree(
        tmp_path / "expected",
        {
            "same.py": b"x = 1\n",
            "models/changed.py": b"x = 1\n",
            "models/gone.py": b"",
            "api/deep/gone_too.py": b"",
            "__pycache__/ignored.pyc": b"1",
        },
    )
    actual = make_tree(
        tmp_path / "actual",
        {
            "same.py": b"x = 1\n",
            "models/changed.py": b"x = 2\n",
            "models/stray.py": b"",
            "models/__pycache__/changed.cpython-311.pyc": b"2",
            "models/__pycache__/hidden.py": b"",
        },
    )

    assert compare_trees(expected, actual) == [
        "missing: api/deep/gone_too.py",
        "missing: models/gone.py",
        "unexpected: models/__pycache__/hidden.py",
        "unexpected: models/stray.py",
        "differs: models/changed.py",
    ]


def test_compare_trees_sees_a_same_size_change(tmp_path: Path) -> None:
    expected = make_tree(tmp_path / "expected", {"a.py": b"value = 1\n"})
    actual = make_tree(tmp_path / "actual", {"a.py": b"value = 2\n"})

    assert compare_trees(expected, actual) == ["differs: a.py"]
    assert compare_trees(expected, expected) == []


def test_committed_spec_and_generated_packages_are_fresh() -> None:
    assert check_fresh() == []


def test_generation_ignores_a_relative_pythonpath(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The generated package holds types.py; tools run inside it must not import it instead of
    # the standard library's (PYTHONPATH=. or a trailing ":" would put it first).
    monkeypatch.setenv("PYTHONPATH", ".:")
    generate_package(TARGETS[1], tmp_path / "rf_api_v0")
    assert compare_trees(tmp_path / "rf_api_v0", GENERATED_DIR / "rf_api_v0") == []


def test_generation_is_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "first" / "rf_api_v1", tmp_path / "second" / "rf_api_v1"

    generate_package(TARGETS[0], first)
    generate_package(TARGETS[0], second)

    modules = sorted(path.relative_to(first) for path in first.rglob("*.py"))
    assert len(modules) > 200
    assert compare_trees(first, second) == []
    for module in modules:
        assert (first / module).read_bytes() == (second / module).read_bytes(), module
    assert compare_trees(first, GENERATED_DIR / "rf_api_v1") == []
