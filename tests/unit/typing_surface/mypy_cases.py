"""Pinned mypy --strict output of the case files of tests/typing/{negative,reveal,defects}.

The case files end in ``.py.txt`` so ``make typecheck`` (``mypy ... tests``) never sees their
deliberate errors. :func:`run_cases` copies them into a temporary folder as modules and runs
mypy once (the project's strict configuration, a cache of its own) over all of them; the result
is cached for the session. Output lines are normalised to ``<case file>:<line>: <severity>:
<message>`` so they can be compared with each folder's ``expected.txt``.

Re-pin after an intended change with::

    .venv/bin/python -m tests.unit.typing_surface.mypy_cases --update
"""

from __future__ import annotations

import dataclasses
import functools
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
TYPING_DIR = ROOT / "tests" / "typing"
CASE_FOLDERS = ("negative", "reveal", "defects")
CASE_SUFFIX = ".py.txt"
EXPECTED_NAME = "expected.txt"
CACHE_DIR = ROOT / ".mypy_cache" / "typing_surface"

_OUTPUT_LINE = re.compile(
    r"^(?P<path>.+?\.py):(?P<line>\d+): (?P<severity>error|note): (?P<text>.*)$"
)
_MARKER = re.compile(r"#\s*(?P<kind>[EDR])(?::\s*(?P<value>[\w-]+(?:\s*,\s*[\w-]+)*))?\s*$")


@dataclasses.dataclass(frozen=True)
class Message:
    """One normalised mypy message about a case file."""

    case: str
    """The case file's name, e.g. ``documented_api.py.txt``."""
    line: int
    severity: str
    text: str

    def render(self) -> str:
        """The message as pinned in ``expected.txt``."""
        return f"{self.case}:{self.line}: {self.severity}: {self.text}"

    @property
    def code(self) -> str | None:
        """The error code (``arg-type``) of an error, None for a note."""
        found = re.search(r"\[([\w-]+)\]$", self.text)
        return found.group(1) if found else None


@dataclasses.dataclass(frozen=True)
class Marker:
    """What a case line says it must give: ``# E: code``, ``# D: code|accepted|reveal``, ``# R``."""

    case: str
    line: int
    kind: str
    values: tuple[str, ...]


def case_files(folder: str) -> list[Path]:
    """The case files of ``tests/typing/<folder>``, sorted."""
    return sorted((TYPING_DIR / folder).glob(f"*{CASE_SUFFIX}"))


def markers(path: Path) -> list[Marker]:
    """The markers of one case file, in line order."""
    found: list[Marker] = []
    for number, text in enumerate(path.read_text().splitlines(), start=1):
        match = _MARKER.search(text)
        if match is None:
            continue
        values = tuple(v.strip() for v in (match.group("value") or "").split(",") if v.strip())
        found.append(Marker(path.name, number, match.group("kind"), values))
    return found


def _keep(folder: str, severity: str, text: str) -> bool:
    # Errors everywhere; of the notes only reveal_type's (overload candidate lists and the
    # like spell out whole type aliases and would pin unrelated details).
    if severity == "error":
        return True
    return text.startswith("Revealed type is") and folder in ("reveal", "defects")


@functools.cache
def run_cases() -> dict[str, list[Message]]:
    """Every case folder's messages, from one mypy run (cached for the session)."""
    from mypy import api

    modules: dict[str, tuple[str, str]] = {}
    with tempfile.TemporaryDirectory(prefix="rf_typing_cases_") as work:
        for folder in CASE_FOLDERS:
            for path in case_files(folder):
                module = f"rf_case_{folder}_{path.name.removesuffix(CASE_SUFFIX)}"
                shutil.copyfile(path, Path(work) / f"{module}.py")
                modules[module] = (folder, path.name)
        files = sorted(str(Path(work) / f"{m}.py") for m in modules)
        stdout, stderr, _status = api.run(
            [
                "--config-file",
                str(ROOT / "pyproject.toml"),
                "--cache-dir",
                str(CACHE_DIR),
                "--no-pretty",
                "--no-error-summary",
                "--hide-error-context",
                "--show-error-codes",
                *files,
            ]
        )
    if stderr.strip():
        raise RuntimeError(f"mypy failed to run on the typing cases:\n{stderr}")
    results: dict[str, list[Message]] = {folder: [] for folder in CASE_FOLDERS}
    for raw in stdout.splitlines():
        match = _OUTPUT_LINE.match(raw)
        if match is None:
            continue
        module = Path(match.group("path")).stem
        if module not in modules:
            # Errors in rf_client itself (someone's work in progress) are make typecheck's
            # business, not these pins'.
            continue
        folder, case = modules[module]
        severity, text = match.group("severity"), match.group("text")
        if _keep(folder, severity, text):
            results[folder].append(Message(case, int(match.group("line")), severity, text))
    for messages in results.values():
        messages.sort(key=lambda m: (m.case, m.line, m.severity, m.text))
    return results


def expected_path(folder: str) -> Path:
    """The pinned output of one case folder."""
    return TYPING_DIR / folder / EXPECTED_NAME


def pinned(folder: str) -> list[str]:
    """The pinned lines of one case folder (blank lines and ``#`` comments skipped)."""
    lines = expected_path(folder).read_text().splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


_HEADER = (
    "# mypy --strict output of tests/typing/{folder}/*.py.txt, pinned: line numbers, codes and\n"
    "# messages. Re-pin: .venv/bin/python -m tests.unit.typing_surface.mypy_cases --update\n"
)


def update() -> None:
    """Rewrite every folder's ``expected.txt`` from a fresh run."""
    results = run_cases()
    for folder in CASE_FOLDERS:
        body = "".join(f"{m.render()}\n" for m in results[folder])
        expected_path(folder).write_text(_HEADER.format(folder=folder) + body)


def main(argv: list[str]) -> int:
    """``--update`` re-pins; without arguments, print the current output."""
    if argv == ["--update"]:
        update()
        return 0
    if argv:
        sys.stderr.write("usage: python -m tests.unit.typing_surface.mypy_cases [--update]\n")
        return 2
    for folder, messages in run_cases().items():
        sys.stdout.write(f"== {folder}\n" + "".join(f"{m.render()}\n" for m in messages))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
