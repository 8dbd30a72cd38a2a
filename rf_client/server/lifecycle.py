"""Start, inspect and stop a local inference server, one per port.

A server is a detached process (its own session, so it outlives the caller and ignores the
caller's Ctrl-C) running the venv's Python on ``_launcher.py``. Its pid record, log, working
folder and default cache live in the state folder of its port, so ``status()`` and ``stop()``
work from any other process too.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rf_client.server._http import fetch_info
from rf_client.server._locks import exclusive_lock, try_exclusive_lock
from rf_client.server._logs import tail_lines
from rf_client.server.environment import server_environment
from rf_client.server.errors import (
    PortInUseError,
    ServerManagementError,
    ServerNotInstalledError,
    ServerNotRunningError,
    ServerParameterError,
    ServerStartError,
    ServerStartTimeoutError,
    ServerStopError,
)
from rf_client.server.install import is_installed
from rf_client.server.layout import DEFAULT_PORT, InstanceLayout, ServerLayout
from rf_client.server.processes import (
    LOOPBACK_HOST,
    ProcessCheck,
    check_server_process,
    ensure_port_free,
    process_exists,
    terminate_process,
)
from rf_client.server.records import ServerRecord, read_record, remove_record, write_record

__all__ = [
    "DEFAULT_START_TIMEOUT",
    "LAUNCHER_PATH",
    "ServerHandle",
    "ServerStatus",
    "check_seconds",
    "list_servers",
    "seconds_problem",
    "start",
    "status",
    "stop",
]

LAUNCHER_PATH = Path(__file__).resolve().with_name("_launcher.py")
"""The script the server venv's Python runs; its path identifies our server processes."""

DEFAULT_START_TIMEOUT = 120.0
"""Seconds to wait for ``GET /info`` (a cold start takes about 15 s on 2 cores)."""

DEFAULT_GRACE_PERIOD = 10.0
"""Seconds between SIGTERM and SIGKILL (the server normally exits within 2 s)."""

_READY_POLL_INTERVAL = 0.25
_FAILED_START_GRACE = 5.0
_TIMED_OUT = "timed out"


@dataclass(frozen=True)
class ServerHandle:
    """A server that ``start()`` launched and that answered ``GET /info``."""

    pid: int
    port: int
    url: str
    log_path: Path
    state_dir: Path
    models_dir: Path | None


@dataclass(frozen=True)
class ServerStatus:
    """What is known about the server on one port."""

    port: int
    running: bool
    """A live process holds this port's pid record: our server, or (rarely) a process whose
    command line cannot be read to tell, which ``stop()`` then refuses to signal."""
    responding: bool
    """It answered ``GET /info`` just now (False while it is still starting)."""
    pid: int | None
    url: str
    version: str | None
    log_path: Path
    state_dir: Path
    models_dir: Path | None
    started_at: str | None


def seconds_problem(value: object, *, zero_allowed: bool = False) -> str | None:
    """Why ``value`` is not a usable duration in seconds, or None when it is.

    NaN would make every wait endless (no comparison with it is ever true) and a start
    timeout of 0 or less gives up after one poll, so only finite values above 0 (or at
    least 0, with ``zero_allowed``) pass.
    """
    bound = "at least 0" if zero_allowed else "greater than 0"
    expected = f"expected a finite number of seconds {bound}, got {value!r}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return expected
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero_allowed):
        return expected
    return None


def check_seconds(name: str, value: object, *, zero_allowed: bool = False) -> None:
    """Raise :class:`ServerParameterError` naming ``name`` unless ``value`` is a duration.

    See :func:`seconds_problem` for what passes.
    """
    problem = seconds_problem(value, zero_allowed=zero_allowed)
    if problem is not None:
        raise ServerParameterError(f"invalid {name}: {problem}")


def _url(port: int) -> str:
    return f"http://{LOOPBACK_HOST}:{port}"


_STALE = (ProcessCheck.GONE, ProcessCheck.OTHER)


def _check(record: ServerRecord) -> ProcessCheck:
    return check_server_process(record.pid, Path(record.launcher), record.port)


def _inspect_locked(instance: InstanceLayout) -> tuple[ServerRecord, ProcessCheck] | None:
    """The port's record and what its pid is now; None when there is none.

    Call it only while holding the port's lock: a record proven stale (its pid dead or
    running something else) is deleted, and without the lock that could be the record a
    concurrent ``start()`` has just written.

    Raises:
        ServerRecordError: the record cannot be parsed; it is kept.
    """
    record = read_record(instance)
    if record is None:
        return None
    check = _check(record)
    if check in _STALE:
        remove_record(instance)
        return None
    return record, check


def _inspect_unlocked(instance: InstanceLayout) -> tuple[ServerRecord, ProcessCheck] | None:
    """Like :func:`_inspect_locked`, for ``status()``, which must not wait for the lock.

    A start holds the lock until its server answers (minutes, at worst), so a stale record is
    only cleaned up when the lock is free right now, and then re-read under it.
    """
    record = read_record(instance)
    if record is None:
        return None
    check = _check(record)
    if check not in _STALE:
        return record, check
    with try_exclusive_lock(instance.lock_file) as locked:
        if locked:
            return _inspect_locked(instance)
    return None  # A start or stop is under way; it deals with the stale record.


# HttpInterface mounts these relative to the server's working folder and fails if they are
# missing; the wheel does not ship the landing page, so empty folders stand in for it.
_LANDING_FOLDERS = ("inference/landing/out/static", "inference/landing/out/_next/static")


def _prepare_state_folder(instance: InstanceLayout) -> None:
    """Create the server's working folder (with the landing-page folders) and its cache.

    The only place they are made: the launcher just changes into the working folder.
    """
    for folder in _LANDING_FOLDERS:
        (instance.work_dir / folder).mkdir(parents=True, exist_ok=True)
    instance.cache_dir.mkdir(parents=True, exist_ok=True)


def _resolve_python(layout: ServerLayout, python: str | Path | None) -> Path:
    if python is not None:
        return Path(python)
    if not is_installed(layout):
        raise ServerNotInstalledError(
            f"the local inference server is not installed in {layout.venv_dir}; "
            "run `python -m rf_client.server install` (or rf_client.server.install()) first"
        )
    return layout.venv_python


def _resolve_models_dir(models_dir: str | Path | None) -> Path | None:
    if models_dir is None:
        return None
    resolved = Path(models_dir).expanduser().resolve()
    if not resolved.is_dir():
        raise ServerStartError(
            f"models folder {resolved} does not exist", log_path=None, log_tail=""
        )
    return resolved


def _launch(command: list[str], instance: InstanceLayout, environment: dict[str, str]) -> int:
    """Spawn the detached server with stdin from /dev/null and output to the log; its pid.

    ``posix_spawn`` rather than ``subprocess.Popen``: nobody waits for this process in the
    calling program (it outlives it), and a Popen object would complain about exactly that
    when collected. ``setsid`` puts it in its own session and process group.
    """
    log_flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    file_actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, str(instance.log_file), log_flags, 0o644),
        (os.POSIX_SPAWN_DUP2, 1, 2),
    ]
    try:
        return os.posix_spawn(
            command[0], command, environment, file_actions=file_actions, setsid=True
        )
    except (OSError, NotImplementedError) as error:
        raise ServerStartError(
            f"could not launch {command[0]}: {error}",
            log_path=instance.log_file,
            log_tail=tail_lines(instance.log_file),
        ) from error


def _wait_until_ready(pid: int, url: str, timeout: float) -> str | None:
    """Poll ``GET /info``: None once it answers, else why the server will not come up."""
    deadline = time.monotonic() + timeout
    while True:
        if not process_exists(pid):
            return "the server process exited before it answered GET /info"
        if fetch_info(url) is not None and process_exists(pid):
            return None
        if time.monotonic() >= deadline:
            return _TIMED_OUT
        time.sleep(_READY_POLL_INTERVAL)


def start(
    port: int = DEFAULT_PORT,
    *,
    models_dir: str | Path | None = None,
    all_routes: bool = False,
    env: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_START_TIMEOUT,
    layout: ServerLayout | None = None,
    python: str | Path | None = None,
) -> ServerHandle:
    """Start the local inference server on ``127.0.0.1:port`` and wait until it answers.

    Args:
        port: TCP port on the loopback interface.
        models_dir: a folder written by ``build_offline_models()``; the server then runs in
            offline mode and serves those models.
        all_routes: mount every optional route (stream API, SAM3, OWLv2).
        env: extra environment variables for the server, applied last.
        timeout: seconds to wait for ``GET /info``.
        layout: where the install and state live; default from the environment.
        python: interpreter to run the launcher with; default the installed venv's.

    Raises:
        ServerParameterError: ``timeout`` is not a finite number of seconds above 0.
        ServerNotInstalledError: ``install()`` was not run.
        PortInUseError: our server or anything else already listens on the port.
        ServerStartError: the process exited early, or (ServerStartTimeoutError) never
            answered; it is killed and the message shows the end of its log.
    """
    check_seconds("timeout", timeout)
    layout = layout or ServerLayout.from_environment()
    interpreter = _resolve_python(layout, python)
    instance = layout.instance(port)
    models = _resolve_models_dir(models_dir)
    try:
        # Two starts on one port must not both pass the checks and overwrite each other's
        # record; the lock makes the second one see the first one's server.
        with exclusive_lock(instance.lock_file):
            return _start_locked(
                instance,
                layout,
                interpreter,
                models=models,
                all_routes=all_routes,
                env=env,
                timeout=timeout,
            )
    except OSError as error:
        raise ServerStartError(
            f"could not use the state folder {instance.directory}: {error}",
            log_path=None,
            log_tail="",
        ) from error


def _start_locked(
    instance: InstanceLayout,
    layout: ServerLayout,
    interpreter: Path,
    *,
    models: Path | None,
    all_routes: bool,
    env: Mapping[str, str] | None,
    timeout: float,
) -> ServerHandle:
    """The body of :func:`start`, run while holding the port's lock."""
    port = instance.port
    found = _inspect_locked(instance)
    if found is not None:
        running, check = found
        if check is ProcessCheck.OURS:
            detail = f"a local inference server (pid {running.pid}) runs there"
        else:
            detail = (
                f"process {running.pid} of the pid record {instance.record_file} may be a "
                "local inference server (its command line cannot be read)"
            )
        raise PortInUseError(port, detail)
    ensure_port_free(port)
    _prepare_state_folder(instance)
    environment = server_environment(
        base=os.environ,
        venv_dir=layout.venv_dir,
        default_cache_dir=instance.cache_dir,
        models_dir=models,
        all_routes=all_routes,
        overrides=env,
    )
    # -I: ignore PYTHON* variables and keep the launcher's folder (rf_client/server, whose
    # module names could shadow the server's imports) off sys.path; -u: unbuffered log.
    command = [str(interpreter), "-I", "-u", str(LAUNCHER_PATH), "--port", str(port)]
    command += ["--work-dir", str(instance.work_dir)]
    pid = _launch(command, instance, environment)
    url = _url(port)
    record = ServerRecord(
        pid=pid,
        port=port,
        url=url,
        launcher=str(LAUNCHER_PATH),
        python=str(interpreter),
        log_path=str(instance.log_file),
        models_dir=str(models) if models is not None else None,
        all_routes=all_routes,
        started_at=datetime.now(UTC).isoformat(),
    )
    try:
        write_record(instance, record)
        failure = _wait_until_ready(pid, url, timeout)
    except BaseException as error:  # Ctrl-C or an unwritable record: never leave it running.
        _abort_start(pid, instance)
        if isinstance(error, OSError):
            raise ServerStartError(
                f"could not write the pid record {instance.record_file}: {error}",
                log_path=instance.log_file,
                log_tail=tail_lines(instance.log_file),
            ) from error
        raise
    if failure is not None:
        _abort_start(pid, instance)
        if failure == _TIMED_OUT:
            raise ServerStartTimeoutError(
                f"the server did not answer GET {url}/info within {timeout:g} s and was stopped",
                log_path=instance.log_file,
                log_tail=tail_lines(instance.log_file),
            )
        raise ServerStartError(
            failure, log_path=instance.log_file, log_tail=tail_lines(instance.log_file)
        )
    return ServerHandle(
        pid=pid,
        port=port,
        url=url,
        log_path=instance.log_file,
        state_dir=instance.directory,
        models_dir=models,
    )


def _abort_start(pid: int, instance: InstanceLayout) -> None:
    """Kill the process of a failed start (it is our child, so the pid cannot be stale)."""
    try:
        terminate_process(pid, grace_period=_FAILED_START_GRACE)
    except ServerManagementError:
        pass  # Reported through the start error; the record stays so stop() can retry.
    else:
        remove_record(instance)


def stop(
    port: int = DEFAULT_PORT,
    *,
    layout: ServerLayout | None = None,
    grace_period: float = DEFAULT_GRACE_PERIOD,
    missing_ok: bool = False,
) -> bool:
    """Stop our server on ``port``: SIGTERM, then SIGKILL after ``grace_period`` seconds.

    Only the recorded pid is signalled, and only while its command line still shows our
    launcher and port; a stale record (dead or recycled pid) is deleted instead.

    Returns:
        True if a server was stopped, False if none ran and ``missing_ok`` is set.

    Raises:
        ServerParameterError: ``grace_period`` is not a finite number of seconds, at least 0.
        ServerNotRunningError: no server of ours runs on the port (unless ``missing_ok``).
        ServerRecordError: the pid record cannot be parsed (it is kept, even with
            ``missing_ok``: its server may still run).
        ServerStopError: the process could not be signalled, survived SIGKILL, or cannot be
            recognised as ours (its command line cannot be read).
    """
    check_seconds("grace_period", grace_period, zero_allowed=True)
    layout = layout or ServerLayout.from_environment()
    instance = layout.instance(port)
    if not instance.record_file.exists():
        if missing_ok:
            return False
        raise ServerNotRunningError(port, f"no pid record in {instance.directory}")
    record: ServerRecord | None = None
    try:
        with exclusive_lock(instance.lock_file):
            found = _inspect_locked(instance)
            if found is not None:
                record, check = found
                if check is not ProcessCheck.OURS:
                    raise ServerStopError(
                        f"cannot tell whether process {record.pid} of the pid record "
                        f"{instance.record_file} is our server: its command line cannot be "
                        "read (another user's process?). Stop it as its owner, then delete "
                        "the record"
                    )
                terminate_process(record.pid, grace_period=grace_period)
                remove_record(instance)
    except OSError as error:
        raise ServerStopError(
            f"could not use the state folder {instance.directory}: {error}"
        ) from error
    if record is not None:
        return True
    if missing_ok:
        return False
    raise ServerNotRunningError(
        port, "its recorded process is gone or is no longer our server (stale record removed)"
    )


def status(port: int = DEFAULT_PORT, *, layout: ServerLayout | None = None) -> ServerStatus:
    """Report on the server of ``port``; a stale pid record is cleaned up on the way.

    Raises:
        ServerRecordError: the pid record cannot be parsed; it is kept (its server may
            still run) and the message says what to do.
    """
    layout = layout or ServerLayout.from_environment()
    instance = layout.instance(port)
    found = _inspect_unlocked(instance)
    record = found[0] if found is not None else None
    info = fetch_info(record.url) if record is not None else None
    version = info.get("version") if info is not None else None
    return ServerStatus(
        port=port,
        running=record is not None,
        responding=info is not None,
        pid=record.pid if record is not None else None,
        url=_url(port),
        version=version if isinstance(version, str) else None,
        log_path=instance.log_file,
        state_dir=instance.directory,
        models_dir=Path(record.models_dir) if record and record.models_dir else None,
        started_at=record.started_at if record is not None else None,
    )


def list_servers(*, layout: ServerLayout | None = None) -> list[ServerStatus]:
    """Every server of ours that is running, by port (stale records are cleaned up).

    Raises:
        ServerRecordError: a pid record cannot be parsed (see :func:`status`).
    """
    layout = layout or ServerLayout.from_environment()
    found = (status(instance.port, layout=layout) for instance in layout.known_instances())
    return [server for server in found if server.running]
