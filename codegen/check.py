"""``check``: prove that ``spec/`` and ``generated/`` are exactly what the sources produce."""

from __future__ import annotations

import filecmp
import tempfile
from pathlib import Path

from codegen.generate import GENERATED_DIR, TARGETS, generate_package
from codegen.spec_io import dumps_spec, read_spec, write_spec
from codegen.specs import REPO_ROOT, V1_SERVER, build_all


def _tree(root: Path) -> set[Path]:
    # Only compiled files are skipped: a .py hidden in __pycache__ is still a stray file.
    return {
        path.relative_to(root)
        for path in root.rglob("*")
        if path.is_file() and path.suffix != ".pyc"
    }


def compare_trees(expected: Path, actual: Path) -> list[str]:
    """Files that differ between two folders, or exist in only one, as report lines."""
    expected_files, actual_files = _tree(expected), _tree(actual)
    lines = [f"missing: {path}" for path in sorted(expected_files - actual_files)]
    lines += [f"unexpected: {path}" for path in sorted(actual_files - expected_files)]
    lines += [
        f"differs: {path}"
        for path in sorted(expected_files & actual_files)
        if not filecmp.cmp(expected / path, actual / path, shallow=False)
    ]
    return lines


def check_fresh() -> list[str]:
    """Every stale file under ``spec/`` and ``generated/``, as report lines; empty when fresh."""
    stale: list[str] = []
    # The pulled description is an input, but it must stay in its normalised form (what
    # spec-pull writes) so that a server upgrade shows as a readable diff.
    pulled = V1_SERVER.read_text(encoding="utf-8")
    if pulled != dumps_spec(read_spec(V1_SERVER)):
        stale.append(f"not normalised: {V1_SERVER.relative_to(REPO_ROOT)} (run make spec-pull)")
    fresh_specs = build_all()
    with tempfile.TemporaryDirectory(prefix="rf-codegen-check-") as scratch:
        scratch_dir = Path(scratch)
        for committed_path, spec in fresh_specs.items():
            relative = committed_path.relative_to(REPO_ROOT)
            if not committed_path.exists() or committed_path.read_text(
                encoding="utf-8"
            ) != dumps_spec(spec):
                stale.append(f"differs: {relative}")
            write_spec(scratch_dir / relative, spec)
        for target in TARGETS:
            fresh_package = scratch_dir / "generated" / target.package
            generate_package(
                target, fresh_package, spec_file=scratch_dir / target.spec.relative_to(REPO_ROOT)
            )
        # The whole of generated/: a stray file or package beside the targets is stale too.
        stale += [
            line.replace(": ", ": generated/", 1)
            for line in compare_trees(scratch_dir / "generated", GENERATED_DIR)
        ]
    return stale
