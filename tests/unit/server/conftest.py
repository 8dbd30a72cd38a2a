"""Fixtures for the server-management unit tests: a private root and fake interpreters.

Nothing here runs the real inference server. A "fake python" is an executable script that
stands in for the server venv's interpreter. start() runs it as
``<fake> -I -u <launcher> --port N --work-dir DIR``, so its command line still names our
launcher.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from rf_client.server import ServerLayout, process_exists

ScriptFactory = Callable[[str, str], Path]

# A tiny HTTP server that answers GET /info like the real one and reports its working
# folder and a few environment variables, so tests can check how start() launched it.
FAKE_SERVER = """
import json, os, signal, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

port = int(sys.argv[sys.argv.index("--port") + 1])
os.chdir(sys.argv[sys.argv.index("--work-dir") + 1])
if os.environ.get("FAKE_IGNORE_SIGTERM"):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
pid_file = os.environ.get("FAKE_PID_FILE")
if pid_file:
    Path(pid_file).write_text(str(os.getpid()))

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({
            "name": "fake inference", "version": "0.0-fake", "cwd": os.getcwd(),
            "env": {k: os.environ.get(k) for k in (
                "OFFLINE_MODE", "MODEL_CACHE_DIR", "INFERENCE_HOME", "ENABLE_STREAM_API",
                "PYTHONPATH", "FAKE_EXTRA")},
            "argv": sys.argv,
        }).encode()
        self.send_response(200 if self.path == "/info" else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

print(f"fake server listening on {port}", flush=True)
HTTPServer(("127.0.0.1", port), Handler).serve_forever()
"""


@pytest.fixture
def layout(tmp_path: Path) -> ServerLayout:
    """A server layout under a private root, so no test touches the shared cache."""
    return ServerLayout(tmp_path / "rf-client-home")


@pytest.fixture
def make_script(tmp_path: Path) -> ScriptFactory:
    """Write an executable Python script ``name`` with ``body``; return its path."""

    def factory(name: str, body: str) -> Path:
        script = tmp_path / "bin" / name
        script.parent.mkdir(parents=True, exist_ok=True)
        script.write_text(f"#!{sys.executable}\n{textwrap.dedent(body)}", encoding="utf-8")
        script.chmod(0o755)
        return script

    return factory


@pytest.fixture
def fake_server_python(make_script: ScriptFactory) -> Path:
    """A fake venv python that serves ``GET /info`` on the requested port."""
    return make_script("fake-server-python", FAKE_SERVER)


@pytest.fixture
def spawn() -> Iterator[Callable[[list[str]], subprocess.Popen[bytes]]]:
    """Start helper processes and make sure every one is gone after the test."""
    started: list[subprocess.Popen[bytes]] = []

    def factory(command: list[str]) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(command)
        started.append(process)
        return process

    yield factory
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


@pytest.fixture
def reap_pids() -> Iterator[list[int]]:
    """Pids appended here are SIGKILLed after the test if they are still alive, so a
    failing assertion never leaves a stray process behind."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        if process_exists(pid):
            os.kill(pid, signal.SIGKILL)
