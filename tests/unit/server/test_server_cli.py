"""``python -m rf_client.server``: exit codes, messages and JSON (no real server)."""

from __future__ import annotations

import argparse
import functools
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rf_client.server import (
    ServerLayout,
    ServerStopError,
    add_subcommands,
    build_parser,
    cli,
    main,
    pick_free_port,
    start,
)
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


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--timeout", "nan"),
        ("--timeout", "inf"),
        ("--timeout", "0"),
        ("--timeout", "-5"),
        ("--timeout", "soon"),
        ("--grace-period", "nan"),
        ("--grace-period", "-1"),
        ("--grace-period", "inf"),
    ],
)
def test_durations_must_be_finite_and_positive(
    option: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # NaN makes a wait endless (start never times out, stop never escalates to SIGKILL).
    command = "start" if option == "--timeout" else "stop"
    assert main([command, option, value]) == 2
    err = capsys.readouterr().err
    assert f"argument {option}:" in err
    assert "number of seconds" in err


def test_a_grace_period_of_zero_means_sigkill_at_once() -> None:
    assert build_parser().parse_args(["stop", "--grace-period", "0"]).grace_period == 0.0
    assert build_parser().parse_args(["start", "--timeout", "0.5"]).timeout == 0.5


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


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_errors_never_print_secrets_from_the_server_log(
    as_json: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The start error shows the end of the server's log, where a server may print its
    # environment and the API key of the command line.
    crashing = tmp_path / "crashing-python"
    crashing.write_text(
        f"#!{sys.executable}\n"
        "import os, sys\n"
        "print('key', os.environ['ROBOFLOW_API_KEY'], os.environ['API_KEY'], file=sys.stderr)\n"
        "print('flag key: command-line-key-123 ok', file=sys.stderr)\n"
        "print('settings: SOME_API_KEY=unregistered-value-456', file=sys.stderr)\n"
        "sys.exit(1)\n"
    )
    crashing.chmod(0o755)
    layout = ServerLayout(tmp_path / "layout")
    monkeypatch.setattr(cli, "start", functools.partial(start, python=crashing, layout=layout))
    monkeypatch.setenv("ROBOFLOW_API_KEY", "environment-key-789")
    argv = ["start", "--port", str(pick_free_port()), "--env", "API_KEY=tiny"]
    args = build_parser().parse_args([*argv, "--json"] if as_json else argv)

    assert run(args, ["command-line-key-123"]) == 1
    captured = capsys.readouterr()
    shown = json.loads(captured.out)["message"] if as_json else captured.err
    assert "exited before it answered" in shown
    for secret in ("environment-key-789", "command-line-key-123", "unregistered-value-456"):
        assert secret not in shown
    assert "key *** ***" in shown  # The environment's values, the --env one too...
    assert "flag key: *** ok" in shown  # ...the caller's secrets...
    assert "SOME_API_KEY=***" in shown  # ...and any assignment of an API key.
    assert " tiny" not in shown


def test_a_short_secret_is_hidden_only_as_a_whole_word(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fail(_args: argparse.Namespace) -> int:
        raise ServerStopError("could not stop the server: key abc, see the abcdef log")

    args = build_parser().parse_args(["stop", "--port", "9"])
    args.server_handler = fail
    monkeypatch.setenv("API_KEY", "abc")
    assert run(args) == 1
    assert "key ***, see the abcdef log" in capsys.readouterr().err


def test_status_with_an_unreadable_state_folder_exits_1(
    private_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    state = ServerLayout(private_home).state_dir
    state.mkdir(parents=True)

    def refuse(folder: Path) -> Iterator[Path]:
        raise PermissionError(13, "Permission denied", str(folder))

    monkeypatch.setattr(Path, "iterdir", refuse)
    assert main(["status"]) == 1
    assert f"error: cannot read the servers' state folder {state}" in capsys.readouterr().err
