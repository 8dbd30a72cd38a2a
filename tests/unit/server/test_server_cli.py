"""``python -m rf_client.server``: exit codes, messages and JSON (no real server)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from rf_client.server import add_subcommands, build_parser, main, pick_free_port
from rf_client.server.cli import run


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the CLI at an empty root: nothing installed, no servers."""
    home = tmp_path / "home"
    monkeypatch.setenv("RF_CLIENT_HOME", str(home))
    return home


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["bogus"],
        ["start", "--port", "abc"],
        ["start", "--port", "70000"],
        ["start", "--env", "NO_EQUALS_SIGN"],
        ["stop", "--unknown-flag"],
        ["build-models"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "usage:" in capsys.readouterr().err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "install" in capsys.readouterr().out


def test_status_without_servers_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status"]) == 1
    assert "no local inference server is running" in capsys.readouterr().out


def test_status_json_for_one_port(capsys: pytest.CaptureFixture[str]) -> None:
    port = pick_free_port()
    assert main(["status", "--port", str(port), "--json"]) == 1
    (server,) = json.loads(capsys.readouterr().out)["servers"]
    assert server["port"] == port
    assert server["running"] is False


def test_stop_without_server_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stop", "--port", "9"]) == 1
    assert "no local inference server is running on port 9" in capsys.readouterr().err


def test_errors_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stop", "--port", "9", "--json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["error"] == "ServerNotRunningError"
    assert "port 9" in payload["message"]


def test_start_before_install_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["start", "--port", str(pick_free_port())]) == 1
    assert "install" in capsys.readouterr().err


def test_subcommands_mount_under_another_parser(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="rf-client")
    commands = parser.add_subparsers(dest="command", required=True)
    server = commands.add_parser("server")
    add_subcommands(server.add_subparsers(dest="server_command", required=True))
    args = parser.parse_args(["server", "stop", "--port", "9"])
    assert run(args) == 1
    assert "port 9" in capsys.readouterr().err


def test_parser_defaults() -> None:
    args = build_parser().parse_args(["start", "--models-dir", "m", "--all-routes", "--env", "A=1"])
    assert args.port == 9001
    assert args.models_dir == Path("m")
    assert args.all_routes is True
    assert args.env == [("A", "1")]


def test_module_entry_point(private_home: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "rf_client.server", "status"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 1
    assert "no local inference server is running" in completed.stdout
