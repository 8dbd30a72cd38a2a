"""Fixtures for the codegen unit tests: real-shaped payloads, clients, scratch generation.

Nothing here touches the network or the real server. Payloads come from
``tests/fixtures/payloads/`` (responses of a real inference 1.8.3 server, completed where the
notes elided them). Generation into a scratch folder uses the pinned generator exactly as
``make regen`` does, under a package name of its own so it never shadows ``rf_api_v1``.
"""

from __future__ import annotations

import copy
import importlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
# `codegen` is not an installed package and `pytest` (unlike `python -m pytest`) does not put
# the working folder on sys.path.
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import rf_api_v0.client  # noqa: E402
import rf_api_v1.client  # noqa: E402

from codegen.generate import TARGETS, Target, generate_package  # noqa: E402
from codegen.spec_io import Spec, read_spec, write_spec  # noqa: E402
from codegen.specs import V1_SERVER, V1_SUPPLEMENT  # noqa: E402

PAYLOADS = REPO_ROOT / "tests" / "fixtures" / "payloads"

PayloadLoader = Callable[[str], dict[str, Any]]
ScratchGenerator = Callable[[Spec, str], Path]
PackageImporter = Callable[[Path, str], ModuleType]


@pytest.fixture
def payload() -> PayloadLoader:
    """Load ``tests/fixtures/payloads/<name>`` (a fresh copy on every call)."""

    def load(name: str) -> dict[str, Any]:
        loaded = json.loads((PAYLOADS / name).read_text(encoding="utf-8"))
        assert isinstance(loaded, dict)
        return loaded

    return load


@pytest.fixture
def v1_client() -> rf_api_v1.client.Client:
    return rf_api_v1.client.Client(base_url="http://x")


@pytest.fixture
def v0_client() -> rf_api_v0.client.Client:
    return rf_api_v0.client.Client(base_url="http://x")


@pytest.fixture(scope="session")
def committed_server_spec() -> Spec:
    return read_spec(V1_SERVER)


@pytest.fixture(scope="session")
def committed_supplement() -> Spec:
    return read_spec(V1_SUPPLEMENT)


@pytest.fixture
def server_spec(committed_server_spec: Spec) -> Spec:
    """The committed ``spec/v1/server.json`` (a copy the test may edit)."""
    return copy.deepcopy(committed_server_spec)


@pytest.fixture
def supplement(committed_supplement: Spec) -> Spec:
    """The committed ``spec/v1/supplement.json`` (a copy the test may edit)."""
    return copy.deepcopy(committed_supplement)


def scratch_target(folder: Path, package: str) -> Target:
    """The v1 target, renamed to ``package`` by a generator configuration in ``folder``."""
    v1 = TARGETS[0]
    config = v1.config.read_text(encoding="utf-8")
    renamed = config.replace(
        "package_name_override: rf_api_v1", f"package_name_override: {package}"
    ).replace("project_name_override: rf-api-v1", f"project_name_override: {package}")
    assert renamed != config, "codegen/config-v1.yaml no longer names the package"
    config_file = folder / f"config-{package}.yaml"
    config_file.write_text(renamed, encoding="utf-8")
    # The committed spec path only feeds the header comment; the input is the scratch spec.
    return Target(package, v1.spec, config_file)


@pytest.fixture(scope="session")
def generate_scratch(tmp_path_factory: pytest.TempPathFactory) -> ScratchGenerator:
    """Generate ``spec`` as package ``name`` in a scratch folder; returns the package folder."""

    def generate(spec: Spec, name: str) -> Path:
        folder = tmp_path_factory.mktemp(f"gen-{name}")
        spec_file = folder / "openapi.json"
        write_spec(spec_file, spec)
        destination = folder / "packages" / name
        generate_package(scratch_target(folder, name), destination, spec_file=spec_file)
        return destination

    return generate


@pytest.fixture(scope="session")
def import_scratch() -> Iterator[PackageImporter]:
    """Import a module of a scratch-generated package; forget the package at the end."""
    added_paths: list[str] = []
    packages: list[str] = []

    def do_import(package_dir: Path, module: str) -> ModuleType:
        if package_dir.name in sys.modules and package_dir.name not in packages:
            raise RuntimeError(f"{package_dir.name} would shadow an imported package")
        sys.path.insert(0, str(package_dir.parent))
        added_paths.append(str(package_dir.parent))
        packages.append(package_dir.name)
        importlib.invalidate_caches()
        return importlib.import_module(module)

    yield do_import
    for path in added_paths:
        sys.path.remove(path)
    for name in list(sys.modules):
        if any(name == package or name.startswith(package + ".") for package in packages):
            del sys.modules[name]
