"""The launcher script, run in this process against stand-ins for uvicorn and ``inference``."""

from __future__ import annotations

import os
import runpy
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from rf_client.server.lifecycle import LAUNCHER_PATH


def _stand_in(monkeypatch: pytest.MonkeyPatch, name: str, **attributes: Any) -> None:
    module = types.ModuleType(name)
    module.__dict__.update(attributes)
    monkeypatch.setitem(sys.modules, name, module)


def _run_launcher(monkeypatch: pytest.MonkeyPatch, port: int, work_dir: Path) -> dict[str, Any]:
    """Run ``_launcher.py`` as ``__main__``; what it handed to ``uvicorn.run``, and when."""
    served: dict[str, Any] = {}

    def run(app: object, *, host: str, port: int, log_level: str) -> None:
        served.update(app=app, host=host, port=port, cwd=os.getcwd())
        served["INFERENCE_HOME"] = os.environ.get("INFERENCE_HOME")

    class HttpInterface:
        def __init__(self, manager: object) -> None:
            self.app = ("app of", manager)

    _stand_in(monkeypatch, "uvicorn", run=run)
    for package in (
        "inference",
        "inference.core",
        "inference.core.interfaces",
        "inference.core.interfaces.http",
        "inference.core.managers",
        "inference.core.managers.decorators",
        "inference.core.registries",
        "inference.models",
    ):
        _stand_in(monkeypatch, package)
    _stand_in(monkeypatch, "inference.core.env", MAX_ACTIVE_MODELS=8)
    _stand_in(monkeypatch, "inference.core.interfaces.http.http_api", HttpInterface=HttpInterface)
    _stand_in(monkeypatch, "inference.core.managers.base", ModelManager=lambda **kw: kw)
    _stand_in(
        monkeypatch,
        "inference.core.managers.decorators.fixed_size_cache",
        WithFixedSizeCache=lambda manager, max_size: (manager, max_size),
    )
    _stand_in(monkeypatch, "inference.core.registries.roboflow", RoboflowModelRegistry=str)
    _stand_in(monkeypatch, "inference.models.utils", ROBOFLOW_MODEL_TYPES="types")
    argv = [str(LAUNCHER_PATH), "--port", str(port), "--work-dir", str(work_dir)]
    monkeypatch.setattr(sys, "argv", argv)
    monkeypatch.chdir(work_dir.parent)  # Restored after the test; the launcher changes it.
    runpy.run_path(str(LAUNCHER_PATH), run_name="__main__")
    return served


def test_the_launcher_serves_on_loopback_from_its_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work_dir = tmp_path / "work"
    work_dir.mkdir()
    monkeypatch.delenv("INFERENCE_HOME", raising=False)
    served = _run_launcher(monkeypatch, 9123, work_dir)
    assert served["host"] == "127.0.0.1"
    assert served["port"] == 9123
    assert served["cwd"] == str(work_dir)
    assert served["app"] == ("app of", ({"model_registry": "types"}, 8))
    # The environment and the folders are start()'s job, done in one place: the launcher
    # neither invents INFERENCE_HOME nor makes the landing-page folders again.
    assert served["INFERENCE_HOME"] is None
    assert list(work_dir.iterdir()) == []


def test_the_launcher_keeps_the_callers_inference_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work_dir = tmp_path / "work"
    work_dir.mkdir()
    monkeypatch.setenv("INFERENCE_HOME", str(tmp_path / "models"))
    assert _run_launcher(monkeypatch, 9124, work_dir)["INFERENCE_HOME"] == str(tmp_path / "models")
