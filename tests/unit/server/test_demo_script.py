"""``scripts/demo.py`` around its job: where output goes, and a server that will not stop.

The job itself (rf-client commands against a real server) is replaced here; ``make demo``
runs it for real.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

from rf_client.server import ServerStopError

DEMO_PATH = Path(__file__).resolve().parents[3] / "scripts" / "demo.py"


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ModuleType:
    """The demo script as a module, run from ``tmp_path`` (cwd and environment restored)."""
    spec = importlib.util.spec_from_file_location("rf_client_demo_script", DEMO_PATH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.chdir(tmp_path)  # The demo changes into the repository; this restores it.
    monkeypatch.setenv("ROBOFLOW_API_URL", "unchanged")  # The demo exports its own.
    return module


def _replace_job(
    demo: ModuleType, monkeypatch: pytest.MonkeyPatch, *, interrupt: bool = False
) -> list[Path]:
    """Make the job write one annotated image (or be interrupted); the outputs it was given."""
    outputs: list[Path] = []

    def job(self: Any) -> None:
        outputs.append(self.output)
        (self.output / "detection").mkdir(parents=True, exist_ok=True)
        (self.output / "detection" / "photo.jpg").write_bytes(b"jpeg")
        if interrupt:
            raise KeyboardInterrupt

    monkeypatch.setattr(demo.Demo, "job", job)
    return outputs


def test_a_relative_output_dir_is_the_callers(
    demo: ModuleType,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    outputs = _replace_job(demo, monkeypatch)
    assert demo.demo(["--api-url", "http://127.0.0.1:9", "--output-dir", "results"]) == 0
    assert outputs == [tmp_path / "results"]
    assert (tmp_path / "results" / "detection" / "photo.jpg").is_file()
    assert not (demo.ROOT / "results").exists()
    assert f"1 annotated images in {tmp_path / 'results'}/" in capsys.readouterr().out


class _StubbornServer:
    """Stands in for LocalServer: starts fine, cannot be stopped."""

    def __init__(self, **_: object) -> None:
        self.stop_calls = 0

    def start(self) -> SimpleNamespace:
        return SimpleNamespace(url="http://127.0.0.1:4242", pid=1234, log_path="log", port=4242)

    def stop(self) -> None:
        self.stop_calls += 1
        raise ServerStopError("process 1234 is still alive 5 s after SIGKILL")


@pytest.fixture
def stubborn_server(demo: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The demo's local server: already installed, models built, and it will not stop."""
    built = SimpleNamespace(model_ids=["offline-od/1"], models_dir=tmp_path / "models")
    monkeypatch.setattr(demo, "is_installed", lambda _layout: True)
    monkeypatch.setattr(demo, "install", lambda **_: None)
    monkeypatch.setattr(demo, "build_offline_models", lambda *_, **__: built)
    monkeypatch.setattr(demo, "LocalServer", _StubbornServer)


@pytest.mark.usefixtures("stubborn_server")
def test_a_server_that_will_not_stop_is_reported_as_such(
    demo: ModuleType,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    outputs = _replace_job(demo, monkeypatch)
    assert demo.demo(["--output-dir", str(tmp_path / "out")]) == 1
    shown = capsys.readouterr().out
    assert outputs == [tmp_path / "out"]  # The job ran...
    assert "could not be prepared" not in shown  # ...so the server was prepared.
    assert "the demo's server on port 4242 could not be stopped: process 1234" in shown
    assert "stop it with: rf-client server stop --port 4242" in shown
    assert "1 annotated images in" in shown  # The job's results are still reported.


@pytest.mark.usefixtures("stubborn_server")
def test_a_failed_stop_after_ctrl_c_stays_an_interruption(
    demo: ModuleType,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _replace_job(demo, monkeypatch, interrupt=True)
    assert demo.demo(["--output-dir", str(tmp_path / "out")]) == demo.EXIT_INTERRUPTED
    shown = capsys.readouterr().out
    assert "could not be stopped" in shown
    assert "interrupted" in shown
