"""``rf-client generate workflow`` against the fake server: the module, --check, errors.

The server's answers are real inference 1.8.3 answers (``codegen_answers.json``: the
describe_interface answers of two fixture workflows, the blocks they use from
``/workflows/blocks/describe``), so the module generated here must be the committed one.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from rf_client._workflow_codegen.render import GENERATOR_VERSION
from tests.support.fake_server import FakeServer, json_reply
from tests.unit.cli.conftest import RunCLI
from tests.unit.workflows.workflows_support import WORKFLOWS_DIR

HERE = WORKFLOWS_DIR.parents[1] / "unit" / "workflows"
ANSWERS: dict[str, Any] = json.loads((HERE / "codegen_answers.json").read_text())
TYPED_DIR = WORKFLOWS_DIR / "typed"
ROOT = WORKFLOWS_DIR.parents[2]


def serve(fake_server: FakeServer, name: str) -> None:
    """The real server's describe_interface answer for ``name`` and its blocks."""
    fake_server.on("POST", "/workflows/describe_interface", json_reply(200, ANSWERS[name]))
    fake_server.on("GET", "/workflows/blocks/describe", json_reply(200, ANSWERS["blocks"]))


@pytest.fixture
def in_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the repository root, as the committed modules were generated."""
    monkeypatch.chdir(ROOT)
    return ROOT


@pytest.mark.parametrize("name", ["template_matching", "image_operations"])
def test_the_generated_module_is_the_committed_one(
    cli: RunCLI, fake_server: FakeServer, in_root: Path, tmp_path: Path, name: str
) -> None:
    serve(fake_server, name)
    spec = f"tests/fixtures/workflows/{name}.json"
    committed = f"tests/fixtures/workflows/typed/{name}.py"
    output = tmp_path / f"{name}.py"
    result = cli(
        "generate", "workflow", "--api-url", fake_server.url, "--api-key", "secret-key",
        "--spec", spec, "--output", str(output),
    )  # fmt: skip
    assert (result.code, result.err) == (0, "")
    assert result.out == f"wrote {output} (spec:{spec})\n"
    text = output.read_text()
    assert text.replace(output.as_posix(), committed) == (in_root / committed).read_text()
    assert "secret-key" not in text
    [describe] = fake_server.requests_to("POST", "/workflows/describe_interface")
    assert describe.json()["specification"] == json.loads((in_root / spec).read_text())
    assert describe.headers["authorization"] == "Bearer secret-key"
    assert len(fake_server.requests_to("GET", "/workflows/blocks/describe")) == 1


def test_check_is_offline_and_says_fresh(
    cli: RunCLI, fake_server: FakeServer, in_root: Path
) -> None:
    result = cli(
        "generate", "workflow", "--api-url", fake_server.url, "--check",
        "--spec", "tests/fixtures/workflows/template_matching.json",
        "--output", "tests/fixtures/workflows/typed/template_matching.py",
    )  # fmt: skip
    assert result.code == 0
    assert result.out.startswith("fresh: tests/fixtures/workflows/typed/template_matching.py")
    assert fake_server.requests == []


def _copy(tmp_path: Path, name: str) -> tuple[Path, Path]:
    spec, module = tmp_path / f"{name}.json", tmp_path / f"{name}.py"
    shutil.copyfile(WORKFLOWS_DIR / f"{name}.json", spec)
    shutil.copyfile(TYPED_DIR / f"{name}.py", module)
    return spec, module


def test_check_is_blind_to_key_order_and_spacing(cli: RunCLI, tmp_path: Path) -> None:
    spec, module = _copy(tmp_path, "template_matching")
    definition = json.loads(spec.read_text())
    spec.write_text(json.dumps(dict(reversed(list(definition.items()))), indent=4))
    result = cli("generate", "workflow", "--check", "--spec", str(spec), "--output", str(module))
    assert result.code == 0, result.out


def test_check_exits_1_when_the_definition_changed(cli: RunCLI, tmp_path: Path) -> None:
    spec, module = _copy(tmp_path, "template_matching")
    definition = json.loads(spec.read_text())
    definition["inputs"][2]["default_value"] = 0.7
    spec.write_text(json.dumps(definition))
    result = cli("generate", "workflow", "--check", "--spec", str(spec), "--output", str(module))
    assert result.code == 1
    assert result.out.startswith(f"stale: {module}: the definition changed")
    assert "rf-client generate workflow --spec" in result.out


def test_check_exits_1_for_an_older_generator(cli: RunCLI, tmp_path: Path) -> None:
    spec, module = _copy(tmp_path, "template_matching")
    old = f'GENERATOR_VERSION: Final = "{GENERATOR_VERSION}"'
    module.write_text(module.read_text().replace(old, 'GENERATOR_VERSION: Final = "0"'))
    result = cli("generate", "workflow", "--check", "--spec", str(spec), "--output", str(module))
    assert result.code == 1
    assert "generator version 0" in result.out


@pytest.mark.parametrize("content", [None, "x = 1\n"])
def test_check_exits_1_without_a_generated_module(
    cli: RunCLI, tmp_path: Path, content: str | None
) -> None:
    spec, module = _copy(tmp_path, "template_matching")
    module.unlink()
    if content is not None:
        module.write_text(content)
    result = cli("generate", "workflow", "--check", "--spec", str(spec), "--output", str(module))
    assert result.code == 1
    assert result.out.startswith("stale: ")


SAVED = "/my-team/workflows/count-cars/describe_interface"


def test_a_saved_workflow_is_described_and_checked_by_the_server(
    cli: RunCLI, fake_server: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROBOFLOW_API_KEY", "env-secret")
    fake_server.on("POST", SAVED, json_reply(200, ANSWERS["template_matching"]))
    module = tmp_path / "count_cars.py"
    saved = ("--workspace", "my-team", "--workflow-id", "count-cars", "--output", str(module))
    result = cli("generate", "workflow", "--api-url", fake_server.url, *saved)
    assert result.code == 0, result.err
    text = module.read_text()
    assert 'workspace_name="my-team"' in text
    assert 'workflow_id="count-cars"' in text
    assert "class CountCarsInputs:" in text
    # Only describe_interface: no defaults (min_conf is required), no nesting known.
    assert "    min_conf: JsonInput\n" in text
    assert "    crops: ImageArray\n" in text
    assert "env-secret" not in text
    check = cli("generate", "workflow", "--api-url", fake_server.url, "--check", *saved)
    assert check.code == 0, check.out
    changed = dict(ANSWERS["template_matching"], outputs={"count": ["integer"]})
    fake_server.on("POST", SAVED, json_reply(200, changed))
    stale = cli("generate", "workflow", "--api-url", fake_server.url, "--check", *saved)
    assert stale.code == 1
    assert len(fake_server.requests_to("POST", SAVED)) == 3


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--spec", "a.json", "--workspace", "w", "--workflow-id", "i"], "not both"),
        (["--workspace", "w"], "no workflow given"),
        ([], "no workflow given"),
    ],
)
def test_usage_errors_exit_2(cli: RunCLI, arguments: list[str], message: str) -> None:
    result = cli("generate", "workflow", "--output", "out.py", *arguments)
    assert result.code == 2
    assert message in result.err


def test_an_unreadable_definition_exits_2(
    cli: RunCLI, fake_server: FakeServer, tmp_path: Path
) -> None:
    spec = tmp_path / "broken.json"
    spec.write_text("{not json")
    output = tmp_path / "out.py"
    arguments = ("--spec", str(spec), "--output", str(output))
    result = cli("generate", "workflow", "--api-url", fake_server.url, *arguments)
    assert result.code == 2
    assert result.err.startswith("error: InvalidParameterError: the workflow definition")
    assert not output.exists()
    assert fake_server.requests == []


def test_a_server_refusal_exits_3_with_the_key_redacted(
    cli: RunCLI, fake_server: FakeServer, tmp_path: Path
) -> None:
    body = {"message": "bad key secret-key", "error_type": "WorkflowSyntaxError"}
    fake_server.on("POST", "/workflows/describe_interface", json_reply(400, body))
    output = tmp_path / "out.py"
    result = cli(
        "generate", "workflow", "--api-url", fake_server.url, "--api-key", "secret-key",
        "--spec", str(WORKFLOWS_DIR / "qr_and_barcode.json"), "--output", str(output),
    )  # fmt: skip
    assert result.code == 3
    assert result.err.startswith("error: BadRequestError: ")
    assert "secret-key" not in result.err
    assert not output.exists()


def test_help_has_examples_and_exit_codes(cli: RunCLI) -> None:
    result = cli("generate", "workflow", "--help")
    assert result.code == 0
    assert "rf-client generate workflow --spec workflow.json --output" in result.out
    assert "1    --check: the module is stale" in result.out


@pytest.mark.parametrize("check", [False, True])
def test_a_key_the_server_echoes_is_never_shown(
    cli: RunCLI,
    fake_server: FakeServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    check: bool,
) -> None:
    monkeypatch.setenv("ROBOFLOW_API_KEY", "rfk-env-7d3c")
    fake_server.on("POST", SAVED, json_reply(401, {"message": "key rfk-env-7d3c is not valid"}))
    module = tmp_path / "count_cars.py"
    module.write_text("")
    result = cli(
        "generate", "workflow", "--api-url", fake_server.url, "--max-retries", "0",
        "--workspace", "my-team", "--workflow-id", "count-cars", "--output", str(module),
        *(["--check"] if check else []),
    )  # fmt: skip
    assert result.code == 3
    assert result.err.startswith("error: AuthenticationError: ")
    assert "rfk-env-7d3c" not in result.out + result.err
    assert module.read_text() == ""
