"""Process and port primitives: is a pid alive, is it our server, stop it, is a port free.

Everything here acts on one recorded pid. Nothing ever looks processes up by name, and a pid
is only signalled after its command line proves it is still the launcher we started: pids are
recycled, and a stale pid file must never kill an unrelated process.
"""

from __future__ import annotations

import errno
import itertools
import os
import signal
import socket
import subprocess
import time
from enum import Enum
from pathlib import Path

from rf_client.server.errors import PortInUseError, ServerStopError

__all__ = [
    "LOOPBACK_HOST",
    "ProcessCheck",
    "check_server_process",
    "ensure_port_free",
    "is_server_process",
    "pick_free_port",
    "process_exists",
    "read_command_line",
    "terminate_process",
]

LOOPBACK_HOST = "127.0.0.1"
"""The only address the local server ever binds."""

_POLL_INTERVAL = 0.05
_EXEC_SETTLE_TIME = 1.0


def _is_zombie(pid: int) -> bool:
    """True if ``pid`` has exited but was not reaped yet (Linux ``/proc`` only)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    # The state letter follows the parenthesised command name, which may contain spaces.
    return stat.rpartition(")")[2].split()[:1] == ["Z"]


def process_exists(pid: int) -> bool:
    """True if ``pid`` is a live process (exited-but-unreaped children count as gone)."""
    if pid <= 0:
        return False
    try:
        # Reap it if it is our own exited child, so it does not linger as a zombie.
        reaped, _ = os.waitpid(pid, os.WNOHANG)
        if reaped == pid:
            return False
    except ChildProcessError:
        pass  # Not our child: only its parent (or init) can reap it.
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # Alive, but owned by another user.
    except OSError:
        return False
    return not _is_zombie(pid)


def read_command_line(pid: int) -> list[str] | None:
    """The argument vector of ``pid``, or None if it cannot be read (gone, no permission).

    A live process without one (a kernel thread) gives an empty list.
    """
    deadline = time.monotonic() + _EXEC_SETTLE_TIME
    while True:
        try:
            raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        except FileNotFoundError:
            if Path("/proc/self").exists():
                return None  # /proc works, so the process is gone.
            return _command_line_from_ps(pid)
        except OSError:
            return None
        if raw:
            parts = raw.rstrip(b"\0").split(b"\0")
            return [part.decode("utf-8", "surrogateescape") for part in parts]
        # Empty: a zombie, or a process caught in the middle of exec(), whose command line
        # appears a moment later. Only the second is worth waiting for.
        if not process_exists(pid):
            return None
        if time.monotonic() >= deadline:
            return []
        time.sleep(_POLL_INTERVAL / 5)


def _command_line_from_ps(pid: int) -> list[str] | None:
    """Fallback for systems without ``/proc`` (macOS): ``ps`` prints one flat string."""
    try:
        completed = subprocess.run(
            ["ps", "-o", "command=", "-p", str(pid)],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    text = completed.stdout.strip()
    return text.split() if completed.returncode == 0 and text else None


class ProcessCheck(Enum):
    """What a recorded pid is now, as far as can be proven."""

    OURS = "ours"
    """Alive, running our launcher with the recorded port."""
    GONE = "gone"
    """Dead (or an exited, unreaped child): its record is stale."""
    OTHER = "other"
    """Alive but running something else (a recycled pid): its record is stale."""
    UNKNOWN = "unknown"
    """Alive, but its command line cannot be read: neither ours nor stale is proven."""


def check_server_process(pid: int, launcher: Path, port: int) -> ProcessCheck:
    """Whether ``pid`` runs ``launcher`` with ``--port <port>``, is gone, or is another program.

    This is the guard against recycled pids: only :attr:`ProcessCheck.OURS` may be
    signalled, and only :attr:`ProcessCheck.GONE` or :attr:`ProcessCheck.OTHER` prove a
    record stale.
    """
    if not process_exists(pid):
        return ProcessCheck.GONE
    arguments = read_command_line(pid)
    if arguments is None:
        # It may have exited in between; otherwise its command line is hidden from us.
        return ProcessCheck.UNKNOWN if process_exists(pid) else ProcessCheck.GONE
    runs_launcher = str(launcher) in " ".join(arguments)
    port_arguments = [value for flag, value in itertools.pairwise(arguments) if flag == "--port"]
    if runs_launcher and port_arguments == [str(port)]:
        return ProcessCheck.OURS
    return ProcessCheck.OTHER


def is_server_process(pid: int, launcher: Path, port: int) -> bool:
    """True if ``pid`` is alive and runs ``launcher`` with ``--port <port>``.

    A pid from a stale record that now belongs to any other program fails it and is left
    alone (see :func:`check_server_process`).
    """
    return check_server_process(pid, launcher, port) is ProcessCheck.OURS


def _send(pid: int, signum: int) -> None:
    """Signal the server's process group when it leads one (it was started in a new session,
    so helpers it forked go down with it), otherwise the pid alone."""
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, signum)
        else:
            os.kill(pid, signum)
    except ProcessLookupError:
        pass
    except PermissionError as error:
        raise ServerStopError(f"not allowed to signal process {pid}: {error}") from error


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while process_exists(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(_POLL_INTERVAL)
    return True


def terminate_process(pid: int, grace_period: float = 10.0, kill_wait: float = 5.0) -> None:
    """SIGTERM ``pid``, wait up to ``grace_period`` s, then SIGKILL and wait ``kill_wait`` s.

    The caller must have checked :func:`is_server_process` first.

    Raises:
        ServerStopError: the process may not be signalled, or survived SIGKILL.
    """
    _send(pid, signal.SIGTERM)
    if _wait_gone(pid, grace_period):
        return
    _send(pid, signal.SIGKILL)
    if not _wait_gone(pid, kill_wait):
        raise ServerStopError(f"process {pid} is still alive {kill_wait:g} s after SIGKILL")


def ensure_port_free(port: int) -> None:
    """Raise :class:`PortInUseError` unless ``port`` can be bound on 127.0.0.1 right now."""
    if not 0 < port < 65536:
        raise PortInUseError(port, "not a valid TCP port number")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # SO_REUSEADDR, as uvicorn sets it: a port with only TIME_WAIT leftovers is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((LOOPBACK_HOST, port))
        except OSError as error:
            reason = "address already in use" if error.errno == errno.EADDRINUSE else str(error)
            raise PortInUseError(port, reason) from error


def pick_free_port() -> int:
    """A TCP port that is free on 127.0.0.1 now (the OS picks it; it may be taken later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK_HOST, 0))
        port: int = probe.getsockname()[1]
        return port
