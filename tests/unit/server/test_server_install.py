"""install(): marker, idempotence, and failures that carry the log (pip is faked)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from rf_client.server import (
    PythonNotFoundError,
    ServerInstallError,
    ServerLayout,
    install,
    is_installed,
)
from rf_client.server.install import PINNED_PACKAGES, find_python

# Stands in for python3.11 and for the venv's python: answers the version probe, creates a
# "venv" holding a copy of itself, logs pip calls, and reports the pinned versions.
FAKE_PYTHON = """
import json, os, shutil, sys
from pathlib import Path

args = sys.argv[1:]
calls = Path(os.environ["FAKE_CALLS"])
with calls.open("a") as log:
    log.write(" ".join(args) + "\\n")
if args[:1] == ["-c"] and "version_info" in args[1]:
    print(os.environ.get("FAKE_VERSION", "3.11"))
elif args[:2] == ["-m", "venv"]:
    target = Path(args[-1]) / "bin"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(__file__, target / "python")
elif args[:3] == ["-m", "pip", "install"]:
    print("Collecting", args[-1])
    if os.environ.get("FAKE_PIP_FAILS") and "inference-cpu" in args[-1]:
        print("ERROR: No matching distribution found for", args[-1])
        sys.exit(1)
    print("Successfully installed", args[-1])
elif "-I" in args:
    versions = json.loads(os.environ["FAKE_INSTALLED"])
    print(json.dumps({name: versions.get(name) for name in args[3:]}))
"""


@pytest.fixture
def fake_python(
    make_script: Callable[[str, str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    monkeypatch.setenv("FAKE_CALLS", str(tmp_path / "calls.txt"))
    monkeypatch.setenv("FAKE_INSTALLED", json.dumps(PINNED_PACKAGES))
    return make_script("python3.11", FAKE_PYTHON)


def _calls(tmp_path: Path) -> list[str]:
    return (tmp_path / "calls.txt").read_text().splitlines()


def test_install_runs_the_steps_in_order_then_becomes_a_no_op(
    layout: ServerLayout, fake_python: Path, tmp_path: Path
) -> None:
    first = install(layout=layout, python=str(fake_python))
    assert first.freshly_installed
    assert is_installed(layout)
    pip_calls = [call for call in _calls(tmp_path) if call.startswith("-m pip install")]
    assert pip_calls[0].endswith("torch==2.14.1 torchvision==0.29.1")
    assert pip_calls[1].endswith("inference-cpu[http]==1.8.3")
    assert "Successfully installed inference-cpu[http]==1.8.3" in layout.install_log.read_text()

    calls_before = len(_calls(tmp_path))
    second = install(layout=layout, python=str(fake_python))
    assert not second.freshly_installed
    assert len(_calls(tmp_path)) == calls_before  # Nothing was run.


def test_failed_pip_raises_with_the_log_tail_and_writes_no_marker(
    layout: ServerLayout, fake_python: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_PIP_FAILS", "1")
    with pytest.raises(ServerInstallError) as caught:
        install(layout=layout, python=str(fake_python))
    assert "No matching distribution found" in caught.value.log_tail
    assert "No matching distribution found" in str(caught.value)
    assert caught.value.log_path == layout.install_log
    assert not layout.install_marker.exists()
    assert not is_installed(layout)


def test_versions_that_differ_from_the_pins_are_a_failure(
    layout: ServerLayout, fake_python: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_INSTALLED", json.dumps({**PINNED_PACKAGES, "torch": "2.13.0"}))
    with pytest.raises(ServerInstallError, match=r"do not match the pins"):
        install(layout=layout, python=str(fake_python))
    assert not is_installed(layout)


def test_marker_with_other_pins_means_not_installed(layout: ServerLayout) -> None:
    layout.venv_python.parent.mkdir(parents=True)
    layout.venv_python.write_text("")
    marker = {"marker_version": 1, "python": "3.11", "packages": PINNED_PACKAGES}
    layout.install_marker.write_text(json.dumps(marker))
    assert is_installed(layout)
    stale = {**marker, "packages": {**PINNED_PACKAGES, "inference-cpu": "1.8.2"}}
    layout.install_marker.write_text(json.dumps(stale))
    assert not is_installed(layout)
    layout.install_marker.write_text("not json")
    assert not is_installed(layout)


def test_missing_python_is_named(tmp_path: Path) -> None:
    with pytest.raises(PythonNotFoundError, match=r"Python 3\.11"):
        find_python(str(tmp_path / "no-such-python3.11"))


def test_python_of_another_version_is_refused(
    fake_python: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_VERSION", "3.12")
    with pytest.raises(PythonNotFoundError, match=r"3\.12"):
        find_python(str(fake_python))


def test_no_python311_on_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PythonNotFoundError, match=r"no `python3\.11` was found on PATH"):
        find_python()
