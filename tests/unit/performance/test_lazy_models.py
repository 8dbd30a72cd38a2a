"""Generated ``models`` packages load each model on first use (``models_init.py.jinja``)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.support.canned import serve_model
from tests.support.fake_server import FakeServer

PACKAGES = ("rf_api_v1.models", "rf_api_v0.models")
GENERATED = Path(__file__).parents[3] / "generated"


def fresh_probe(code: str) -> object:
    """Run ``code`` in a fresh interpreter; the JSON it prints last."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=GENERATED.parent,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def model_modules(package: str) -> set[str]:
    """The model modules of ``package`` on disk."""
    folder = GENERATED.joinpath(*package.split("."))
    return {path.stem for path in folder.glob("*.py") if path.stem != "__init__"}


@pytest.mark.parametrize("package", PACKAGES)
def test_importing_the_package_loads_no_model(package: str) -> None:
    code = (
        f"import sys, json, {package}\n"
        f"print(json.dumps([m for m in sys.modules if m.startswith('{package}.')]))"
    )
    assert fresh_probe(code) == []


def test_a_first_infer_loads_only_the_models_it_uses(fake_server: FakeServer) -> None:
    serve_model(fake_server, "coco/3")
    image = Path(__file__).parents[2] / "fixtures" / "images" / "chelsea.png"
    code = (
        "import sys, json\n"
        "from rf_client import InferenceHTTPClient\n"
        f"InferenceHTTPClient({fake_server.url!r}).infer({str(image)!r}, model_id='coco/3')\n"
        "print(json.dumps([m for m in sys.modules if m.startswith('rf_api_v1.models.')]))"
    )
    loaded = fresh_probe(code)
    assert isinstance(loaded, list)
    assert "rf_api_v1.models.object_detection_inference_request" in loaded
    assert 0 < len(loaded) < len(model_modules("rf_api_v1.models")) // 4


@pytest.mark.parametrize("package", PACKAGES)
def test_every_exported_name_resolves_to_its_own_module(package: str) -> None:
    models = importlib.import_module(package)
    names = models.__all__
    assert len(names) == len(set(names)) >= len(model_modules(package))
    for name in names:
        value = getattr(models, name)
        assert value.__name__ == name
        assert value.__module__.rsplit(".", 1)[0] == package
        assert vars(models)[name] is value  # cached: the next access is a plain lookup


@pytest.mark.parametrize("package", PACKAGES)
def test_star_import_and_dir_list_every_model(package: str) -> None:
    models = importlib.import_module(package)
    namespace: dict[str, object] = {}
    exec(f"from {package} import *", namespace)  # the star import under test
    assert set(models.__all__) <= set(namespace)
    assert set(models.__all__) <= set(dir(models))


def test_an_unknown_name_is_an_attribute_error() -> None:
    models: ModuleType = importlib.import_module("rf_api_v1.models")
    with pytest.raises(AttributeError, match="has no attribute 'NoSuchModel'"):
        _ = models.NoSuchModel
    with pytest.raises(ImportError, match="NoSuchModel"):
        exec("from rf_api_v1.models import NoSuchModel", {})


def test_type_checkers_see_every_model_through_type_checking_imports() -> None:
    source = (GENERATED / "rf_api_v1" / "models" / "__init__.py").read_text()
    block = source.split("if TYPE_CHECKING:", 1)[1].split("_MODULES", 1)[0]
    models = importlib.import_module("rf_api_v1.models")
    for name in models.__all__:
        assert f"import {name}\n" in block or f"    {name},\n" in block, name
