"""Pid and port primitives: liveness, recognising our server, stopping, free ports."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from rf_client.server import PortInUseError, pick_free_port, process_exists, processes
from rf_client.server.processes import (
    ProcessCheck,
    check_server_process,
    ensure_port_free,
    is_server_process,
    read_command_line,
    terminate_process,
)

Spawn = Callable[[list[str]], "subprocess.Popen[bytes]"]
LAUNCHER = Path("/opt/rf_client/server/_launcher.py")


def _sleeper(spawn: Spawn, *extra: str) -> subprocess.Popen[bytes]:
    """A process whose command line carries ``extra`` after a sleeping Python snippet."""
    return spawn([sys.executable, "-c", "import time; time.sleep(60)", *extra])


def test_command_line_of_a_live_process(spawn: Spawn) -> None:
    process = _sleeper(spawn, str(LAUNCHER), "--port", "9123")
    arguments = read_command_line(process.pid)
    assert arguments is not None
    assert arguments[-3:] == [str(LAUNCHER), "--port", "9123"]


def test_our_server_is_recognised_by_launcher_and_port(spawn: Spawn) -> None:
    process = _sleeper(spawn, str(LAUNCHER), "--port", "9123")
    assert is_server_process(process.pid, LAUNCHER, 9123)
    assert not is_server_process(process.pid, LAUNCHER, 912)  # No prefix matching.
    assert not is_server_process(process.pid, LAUNCHER, 91234)
    assert not is_server_process(process.pid, Path("/elsewhere/_launcher.py"), 9123)


def test_a_recycled_pid_running_something_else_is_not_ours(spawn: Spawn) -> None:
    process = _sleeper(spawn)
    assert process_exists(process.pid)
    assert not is_server_process(process.pid, LAUNCHER, 9123)


def test_what_a_recorded_pid_is_now(spawn: Spawn, monkeypatch: pytest.MonkeyPatch) -> None:
    ours = _sleeper(spawn, str(LAUNCHER), "--port", "9123")
    other = _sleeper(spawn)
    assert check_server_process(ours.pid, LAUNCHER, 9123) is ProcessCheck.OURS
    assert check_server_process(other.pid, LAUNCHER, 9123) is ProcessCheck.OTHER
    assert check_server_process(2**22 + 12345, LAUNCHER, 9123) is ProcessCheck.GONE
    # Alive but its command line is hidden (another user's process under hidepid): only
    # "unknown" is proven, so its record must be neither trusted nor deleted.
    monkeypatch.setattr(processes, "read_command_line", lambda _pid: None)
    assert check_server_process(other.pid, LAUNCHER, 9123) is ProcessCheck.UNKNOWN


def test_exited_child_counts_as_gone_and_is_reaped(spawn: Spawn) -> None:
    process = spawn([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 10
    while process_exists(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not process_exists(process.pid)
    assert not is_server_process(process.pid, LAUNCHER, 9123)


def test_nonsense_pids_do_not_exist() -> None:
    assert not process_exists(0)
    assert not process_exists(-1)
    assert read_command_line(2**22 + 12345) is None


def test_terminate_escalates_to_sigkill(spawn: Spawn) -> None:
    stubborn = spawn(
        [
            sys.executable,
            "-c",
            "import signal, sys, time\n"
            "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
            "print('ready', flush=True)\n"
            "time.sleep(60)",
        ]
    )
    time.sleep(0.3)  # Let it install the handler.
    started = time.monotonic()
    terminate_process(stubborn.pid, grace_period=0.3)
    assert not process_exists(stubborn.pid)
    assert time.monotonic() - started < 5


def test_port_in_use_is_refused() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with pytest.raises(PortInUseError, match=str(port)) as caught:
            ensure_port_free(port)
        assert caught.value.port == port
    ensure_port_free(port)  # Free again once closed.


def test_invalid_port_is_refused() -> None:
    with pytest.raises(PortInUseError, match="not a valid TCP port"):
        ensure_port_free(70000)


def test_pick_free_port_gives_a_bindable_port() -> None:
    port = pick_free_port()
    assert 0 < port < 65536
    ensure_port_free(port)
