"""mypy --strict on the case files of tests/typing: misuse rejected, reveals and defects pinned.

One mypy run over every case file (see :mod:`mypy_cases`), compared line by line with each
folder's ``expected.txt``, and with the markers the case lines carry: a pin regenerated in
haste cannot absorb an error on a line nobody meant to be wrong.
"""

from __future__ import annotations

import difflib

import pytest

from tests.unit.typing_surface.mypy_cases import (
    CASE_FOLDERS,
    Marker,
    Message,
    case_files,
    markers,
    pinned,
    run_cases,
)

REPIN = "re-pin with: .venv/bin/python -m tests.unit.typing_surface.mypy_cases --update"


def _by_line(messages: list[Message]) -> dict[tuple[str, int], list[Message]]:
    grouped: dict[tuple[str, int], list[Message]] = {}
    for message in messages:
        grouped.setdefault((message.case, message.line), []).append(message)
    return grouped


def _all_markers(folder: str) -> dict[tuple[str, int], Marker]:
    return {(m.case, m.line): m for path in case_files(folder) for m in markers(path)}


@pytest.mark.parametrize("folder", CASE_FOLDERS)
def test_output_matches_the_pinned_file(folder: str) -> None:
    actual = [m.render() for m in run_cases()[folder]]
    expected = pinned(folder)
    diff = "\n".join(difflib.unified_diff(expected, actual, "expected.txt", "mypy", lineterm=""))
    assert actual == expected, f"tests/typing/{folder}: mypy output changed ({REPIN}):\n{diff}"


def test_every_case_folder_has_cases() -> None:
    counts = {folder: len(case_files(folder)) for folder in CASE_FOLDERS}
    assert all(count > 0 for count in counts.values()), counts
    negative = sum(1 for p in case_files("negative") for m in markers(p) if m.kind == "E")
    assert negative >= 40, f"only {negative} negative cases"


def test_each_misuse_gives_the_error_its_line_announces() -> None:
    found = _by_line(run_cases()["negative"])
    announced = _all_markers("negative")
    unannounced = sorted(
        m.render() for key, ms in found.items() if key not in announced for m in ms
    )
    assert unannounced == [], "errors on lines without '# E: <code>'"
    for key, marker in announced.items():
        assert marker.kind == "E", f"{key}: only '# E' markers belong in negative/"
        codes = {m.code for m in found.get(key, []) if m.severity == "error"}
        assert codes, f"{key[0]}:{key[1]}: mypy accepts this misuse (expected {marker.values})"
        assert codes <= set(marker.values), f"{key}: got {codes}, announced {marker.values}"


def test_reveals_are_given_where_asked_and_nothing_else() -> None:
    found = _by_line(run_cases()["reveal"])
    announced = _all_markers("reveal")
    assert set(found) == set(announced)
    for messages in found.values():
        assert [m.severity for m in messages] == ["note"]
        assert messages[0].text.startswith("Revealed type is")


def test_reveal_of_a_detection_and_of_infer() -> None:
    texts = {m.text.removeprefix("Revealed type is ") for m in run_cases()["reveal"]}
    assert '"float"' in texts  # response.predictions[0].confidence, .x, ...
    assert '"dict[str, Any]"' in texts  # infer(path)
    assert '"list[dict[str, Any]]"' in texts  # infer([path])


def test_known_defects_are_as_recorded() -> None:
    found = _by_line(run_cases()["defects"])
    announced = _all_markers("defects")
    unannounced = sorted(
        m.render() for key, ms in found.items() if key not in announced for m in ms
    )
    assert unannounced == [], "output on lines without a '# D' marker"
    for key, marker in announced.items():
        assert marker.kind == "D", f"{key}: only '# D' markers belong in defects/"
        messages = found.get(key, [])
        (value,) = marker.values
        if value == "accepted":
            assert messages == [], f"{key}: now rejected — move the line to negative/ ({REPIN})"
        elif value == "reveal":
            assert [m.severity for m in messages] == ["note"], key
        else:
            codes = {m.code for m in messages}
            assert codes == {value}, f"{key}: fixed? move the line to tests/typing ({REPIN})"
