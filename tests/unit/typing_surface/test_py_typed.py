"""PEP 561: rf_client and both generated packages say they are typed, in the tree and the wheel."""

from __future__ import annotations

import email.parser
import importlib
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.unit.typing_surface.mypy_cases import ROOT

TYPED_PACKAGES = ("rf_client", "rf_api_v1", "rf_api_v0")
BUILD_INPUTS = ("pyproject.toml", "README.md", "rf_client", "generated")


@pytest.mark.parametrize("package", TYPED_PACKAGES)
def test_py_typed_marker_is_in_each_package(package: str) -> None:
    module = importlib.import_module(package)
    assert module.__file__ is not None
    marker = Path(module.__file__).with_name("py.typed")
    assert marker.is_file(), marker


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built with ``pip wheel . --no-deps`` from a copy of the sources.

    A copy, so nothing the build leaves behind lands in the shared checkout.
    """
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in BUILD_INPUTS:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=ignore)
        else:
            shutil.copy2(path, source / name)
    dist = work / "dist"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(dist)],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    if result.returncode != 0 and "build dependencies" in result.stdout + result.stderr:
        # The pinned build backend comes from the package index: nothing to build with offline.
        pytest.skip(f"pip cannot install the build backend:\n{result.stderr[-2000:]}")
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = dist.glob("rf_client-*.whl")
    return built


@pytest.mark.timeout(300)
def test_the_wheel_ships_every_py_typed_marker(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for package in TYPED_PACKAGES:
        assert f"{package}/py.typed" in names, sorted(n for n in names if "py.typed" in n)
        assert f"{package}/__init__.py" in names
    assert "rf_api_v1/models/object_detection_inference_response.py" in names
    assert not [n for n in names if n.startswith("tests/")]


@pytest.mark.timeout(300)
def test_the_wheel_says_it_is_typed(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        (metadata_name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = email.parser.Parser().parsestr(archive.read(metadata_name).decode())
    assert "Typing :: Typed" in metadata.get_all("Classifier", [])
