"""start/status/stop and the context manager, against fake server interpreters."""

from __future__ import annotations

import json
import math
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Generator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from rf_client.errors import InvalidParameterError
from rf_client.server import (
    LocalServer,
    PortInUseError,
    ServerHandle,
    ServerLayout,
    ServerNotInstalledError,
    ServerNotRunningError,
    ServerParameterError,
    ServerRecordError,
    ServerStartError,
    ServerStartTimeoutError,
    ServerStopError,
    lifecycle,
    list_servers,
    pick_free_port,
    process_exists,
    running_server,
    start,
    status,
    stop,
)
from rf_client.server._locks import exclusive_lock, try_exclusive_lock
from rf_client.server.lifecycle import LAUNCHER_PATH
from rf_client.server.processes import ProcessCheck
from rf_client.server.records import ServerRecord, read_record, write_record

ScriptFactory = Callable[[str, str], Path]
Spawn = Callable[[list[str]], "subprocess.Popen[bytes]"]


def _info(url: str) -> dict[str, Any]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"{url}/info", timeout=5) as response:
        payload: dict[str, Any] = json.loads(response.read())
        return payload


def test_start_status_stop(
    layout: ServerLayout, fake_server_python: Path, tmp_path: Path, reap_pids: list[int]
) -> None:
    models = tmp_path / "models"
    models.mkdir()
    port = pick_free_port()
    handle = start(
        port, models_dir=models, layout=layout, python=fake_server_python, env={"FAKE_EXTRA": "x"}
    )
    reap_pids.append(handle.pid)
    assert handle.url == f"http://127.0.0.1:{port}"
    assert handle.state_dir == layout.instance(port).directory

    info = _info(handle.url)
    work_dir = layout.instance(port).work_dir
    assert info["cwd"] == str(work_dir)
    assert (work_dir / "inference/landing/out/static").is_dir()
    assert (work_dir / "inference/landing/out/_next/static").is_dir()
    assert info["env"]["OFFLINE_MODE"] == "True"
    assert info["env"]["MODEL_CACHE_DIR"] == info["env"]["INFERENCE_HOME"] == str(models)
    assert info["env"]["FAKE_EXTRA"] == "x"
    assert info["argv"][1:] == [
        *("-I", "-u", str(LAUNCHER_PATH)),
        *("--port", str(port), "--work-dir", str(work_dir)),
    ]
    assert "fake server listening" in handle.log_path.read_text()

    current = status(port, layout=layout)
    assert current.running
    assert current.responding
    assert current.pid == handle.pid
    assert current.version == "0.0-fake"
    assert current.models_dir == models
    assert [server.port for server in list_servers(layout=layout)] == [port]

    with pytest.raises(PortInUseError, match=f"pid {handle.pid}"):
        start(port, layout=layout, python=fake_server_python)

    assert stop(port, layout=layout) is True
    assert not process_exists(handle.pid)
    assert not layout.instance(port).record_file.exists()
    assert not status(port, layout=layout).running
    assert list_servers(layout=layout) == []
    with pytest.raises(ServerNotRunningError):
        stop(port, layout=layout)
    assert stop(port, layout=layout, missing_ok=True) is False


def test_failed_start_shows_the_log_tail(layout: ServerLayout, make_script: ScriptFactory) -> None:
    crashing = make_script(
        "crashing-python",
        """
        import sys
        print("Traceback (most recent call last):", file=sys.stderr)
        print("ModuleNotFoundError: No module named 'inference'", file=sys.stderr)
        sys.exit(1)
        """,
    )
    port = pick_free_port()
    with pytest.raises(ServerStartError) as caught:
        start(port, layout=layout, python=crashing, timeout=30)
    error = caught.value
    assert not isinstance(error, ServerStartTimeoutError)
    assert "exited before it answered" in str(error)
    assert "No module named 'inference'" in error.log_tail
    assert "No module named 'inference'" in str(error)
    assert error.log_path == layout.instance(port).log_file
    assert read_record(layout.instance(port)) is None


def test_start_timeout_kills_the_process(
    layout: ServerLayout, make_script: ScriptFactory, tmp_path: Path, reap_pids: list[int]
) -> None:
    pid_file = tmp_path / "silent.pid"
    silent = make_script(
        "silent-python",
        f"""
        import os, time
        open({str(pid_file)!r}, "w").write(str(os.getpid()))
        print("loading models...", flush=True)
        time.sleep(60)
        """,
    )
    port = pick_free_port()
    with pytest.raises(ServerStartTimeoutError) as caught:
        start(port, layout=layout, python=silent, timeout=0.5)
    pid = int(pid_file.read_text())
    reap_pids.append(pid)
    assert "within 0.5 s" in str(caught.value)
    assert "loading models..." in caught.value.log_tail
    assert not process_exists(pid)
    assert read_record(layout.instance(port)) is None


def test_start_refuses_a_port_taken_by_another_program(
    layout: ServerLayout, fake_server_python: Path
) -> None:
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with pytest.raises(PortInUseError, match="address already in use"):
            start(port, layout=layout, python=fake_server_python)
    assert not layout.instance(port).log_file.exists()  # Nothing was launched.


def test_start_needs_an_install(layout: ServerLayout) -> None:
    with pytest.raises(ServerNotInstalledError, match="install"):
        start(pick_free_port(), layout=layout)


def test_missing_models_dir_is_refused(
    layout: ServerLayout, fake_server_python: Path, tmp_path: Path
) -> None:
    with pytest.raises(ServerStartError, match="does not exist"):
        start(
            pick_free_port(),
            models_dir=tmp_path / "nope",
            layout=layout,
            python=fake_server_python,
        )


def _server_record(layout: ServerLayout, port: int, pid: int) -> ServerRecord:
    return ServerRecord(
        pid=pid,
        port=port,
        url=f"http://127.0.0.1:{port}",
        launcher=str(LAUNCHER_PATH),
        python=sys.executable,
        log_path=str(layout.instance(port).log_file),
        models_dir=None,
        all_routes=False,
        started_at="2026-01-01T00:00:00+00:00",
    )


def _record(layout: ServerLayout, port: int, pid: int) -> None:
    write_record(layout.instance(port), _server_record(layout, port, pid))


def _lookalike(spawn: Spawn, port: int) -> subprocess.Popen[bytes]:
    """A process whose command line looks like our launcher on ``port`` (no real server)."""
    sleeper = "import time; time.sleep(60)"
    return spawn([sys.executable, "-c", sleeper, str(LAUNCHER_PATH), "--port", str(port)])


def test_stop_never_signals_a_recycled_pid(layout: ServerLayout) -> None:
    unrelated = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        port = pick_free_port()
        _record(layout, port, unrelated.pid)  # A stale record whose pid was reused.
        with pytest.raises(ServerNotRunningError, match="stale record removed"):
            stop(port, layout=layout)
        time.sleep(0.2)
        assert unrelated.poll() is None  # Still running: it was not signalled.
        assert not layout.instance(port).record_file.exists()
    finally:
        unrelated.send_signal(signal.SIGKILL)
        unrelated.wait(timeout=10)


def test_status_cleans_a_record_of_a_dead_pid(layout: ServerLayout) -> None:
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait(timeout=10)
    port = pick_free_port()
    _record(layout, port, finished.pid)
    assert not status(port, layout=layout).running
    assert not layout.instance(port).record_file.exists()


def test_a_record_with_unknown_fields_is_still_recognised(
    layout: ServerLayout, spawn: Spawn
) -> None:
    # A newer rf-client sharing the cache root may add fields: its server must stay visible
    # and stoppable here, not be mistaken for a stale record and orphaned.
    port = pick_free_port()
    server = _lookalike(spawn, port)
    instance = layout.instance(port)
    payload = {**asdict(_server_record(layout, port, server.pid)), "gpu": "none"}
    instance.directory.mkdir(parents=True)
    instance.record_file.write_text(json.dumps(payload))

    current = status(port, layout=layout)
    assert current.running
    assert current.pid == server.pid
    assert instance.record_file.exists()
    assert [found.port for found in list_servers(layout=layout)] == [port]
    assert stop(port, layout=layout, grace_period=5) is True
    assert server.wait(timeout=10) is not None
    assert not instance.record_file.exists()


@pytest.mark.parametrize(
    "content",
    ["{not json", "[]", '{"pid": 1}', "\xff\xfe"],
    ids=["not-json", "not-an-object", "missing-fields", "not-utf8"],
)
def test_an_unparseable_record_is_reported_and_kept(
    layout: ServerLayout, spawn: Spawn, content: str
) -> None:
    port = pick_free_port()
    server = _lookalike(spawn, port)  # Its server may still run: nothing may orphan it.
    instance = layout.instance(port)
    instance.directory.mkdir(parents=True)
    instance.record_file.write_bytes(content.encode("latin-1"))
    for action in (
        lambda: status(port, layout=layout),
        lambda: list_servers(layout=layout),
        lambda: stop(port, layout=layout, missing_ok=True),
        lambda: start(port, layout=layout, python=sys.executable),
    ):
        with pytest.raises(ServerRecordError) as caught:
            action()
        assert str(instance.record_file) in str(caught.value)
        assert "delete" in str(caught.value)
        assert caught.value.path == instance.record_file
    assert instance.record_file.read_bytes() == content.encode("latin-1")
    assert server.poll() is None


def test_a_record_of_another_port_is_reported(layout: ServerLayout) -> None:
    port = pick_free_port()
    write_record(layout.instance(port), _server_record(layout, port + 1, 1))
    with pytest.raises(ServerRecordError, match=f"about port {port + 1}"):
        status(port, layout=layout)
    assert layout.instance(port).record_file.exists()


def test_status_leaves_a_stale_record_alone_while_the_lock_is_held(
    layout: ServerLayout,
) -> None:
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait(timeout=10)
    port = pick_free_port()
    _record(layout, port, finished.pid)
    instance = layout.instance(port)
    # A start in progress holds the lock and may be about to replace this record.
    with exclusive_lock(instance.lock_file):
        assert not status(port, layout=layout).running
        assert instance.record_file.exists()
    assert not status(port, layout=layout).running
    assert not instance.record_file.exists()


def test_status_keeps_a_record_written_by_a_concurrent_start(
    layout: ServerLayout, spawn: Spawn, monkeypatch: pytest.MonkeyPatch
) -> None:
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait(timeout=10)
    port = pick_free_port()
    _record(layout, port, finished.pid)  # status() reads this stale record first...
    server = _lookalike(spawn, port)

    @contextmanager
    def start_finishes_first(path: Path) -> Generator[bool, None, None]:
        # ...then a start replaces it before status() gets the lock.
        _record(layout, port, server.pid)
        with try_exclusive_lock(path) as locked:
            yield locked

    monkeypatch.setattr(lifecycle, "try_exclusive_lock", start_finishes_first)
    current = status(port, layout=layout)
    assert current.running
    assert current.pid == server.pid
    record = read_record(layout.instance(port))
    assert record is not None
    assert record.pid == server.pid


def test_a_pid_that_cannot_be_recognised_is_neither_signalled_nor_forgotten(
    layout: ServerLayout, spawn: Spawn, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = pick_free_port()
    server = _lookalike(spawn, port)
    _record(layout, port, server.pid)
    # As for another user's process when /proc hides its command line.
    monkeypatch.setattr(lifecycle, "check_server_process", lambda *_: ProcessCheck.UNKNOWN)
    assert status(port, layout=layout).running
    with pytest.raises(ServerStopError, match="cannot tell whether process"):
        stop(port, layout=layout)
    with pytest.raises(PortInUseError, match="command line cannot be read"):
        start(port, layout=layout, python=sys.executable)
    assert server.poll() is None
    assert layout.instance(port).record_file.exists()


def test_context_manager_stops_the_server_even_on_error(
    layout: ServerLayout, fake_server_python: Path, reap_pids: list[int]
) -> None:
    server = LocalServer(layout=layout, python=fake_server_python)
    seen: list[ServerHandle] = []

    def fail_inside_the_block() -> None:
        with server as handle:
            seen.append(handle)
            reap_pids.append(handle.pid)
            assert _info(handle.url)["name"] == "fake inference"
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        fail_inside_the_block()
    (handle,) = seen
    assert not process_exists(handle.pid)
    assert not status(handle.port, layout=layout).running
    server.stop()  # A second stop is harmless.


def test_running_server_function_form(
    layout: ServerLayout, fake_server_python: Path, reap_pids: list[int]
) -> None:
    with running_server(layout=layout, python=fake_server_python, all_routes=True) as handle:
        reap_pids.append(handle.pid)
        assert _info(handle.url)["env"]["ENABLE_STREAM_API"] == "True"
    assert not process_exists(handle.pid)


def test_stop_escalates_for_a_server_ignoring_sigterm(
    layout: ServerLayout, fake_server_python: Path, reap_pids: list[int]
) -> None:
    port = pick_free_port()
    handle = start(port, layout=layout, python=fake_server_python, env={"FAKE_IGNORE_SIGTERM": "1"})
    reap_pids.append(handle.pid)
    assert stop(port, layout=layout, grace_period=0.5)
    assert not process_exists(handle.pid)


def test_concurrent_starts_on_one_port_give_one_server(
    layout: ServerLayout, fake_server_python: Path, reap_pids: list[int]
) -> None:
    port = pick_free_port()
    outcomes: list[object] = []

    def attempt() -> None:
        try:
            handle = start(port, layout=layout, python=fake_server_python)
        except PortInUseError as error:
            outcomes.append(error)
        else:
            reap_pids.append(handle.pid)
            outcomes.append(handle)

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    handles = [outcome for outcome in outcomes if isinstance(outcome, ServerHandle)]
    assert len(handles) == 1
    assert sum(isinstance(outcome, PortInUseError) for outcome in outcomes) == 1
    record = read_record(layout.instance(port))
    assert record is not None
    assert record.pid == handles[0].pid
    assert stop(port, layout=layout)


@pytest.mark.parametrize("timeout", [math.nan, math.inf, 0, -1.0, True])
def test_start_refuses_an_unusable_timeout(
    layout: ServerLayout, fake_server_python: Path, timeout: float
) -> None:
    with pytest.raises(ServerParameterError, match="invalid timeout: expected a finite") as caught:
        start(pick_free_port(), layout=layout, python=fake_server_python, timeout=timeout)
    assert isinstance(caught.value, InvalidParameterError)
    assert not layout.state_dir.exists()  # Refused before anything was launched.


@pytest.mark.parametrize("grace_period", [math.nan, -math.inf, -0.5])
def test_stop_refuses_an_unusable_grace_period(
    layout: ServerLayout, spawn: Spawn, grace_period: float
) -> None:
    port = pick_free_port()
    server = _lookalike(spawn, port)
    _record(layout, port, server.pid)
    with pytest.raises(ServerParameterError, match="invalid grace_period"):
        stop(port, layout=layout, grace_period=grace_period)
    assert server.poll() is None
    with pytest.raises(ServerParameterError, match="invalid grace_period"):
        LocalServer(layout=layout, grace_period=grace_period)  # Not only on exit.
    assert stop(port, layout=layout, grace_period=0) is True  # 0: SIGKILL at once.
