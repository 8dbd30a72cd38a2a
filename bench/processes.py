"""Processes of a benchmark run: the loopback servers and the workers, on separate CPUs.

Against the instant server, server and client are kept on different CPUs (``SERVER_CPU`` and
``CLIENT_CPU``) so that a client's numbers are its own; with a single CPU nothing is pinned.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.environment import REPO_DIR

_CPUS = sorted(os.sched_getaffinity(0))
CLIENT_CPU: int | None = _CPUS[0] if len(_CPUS) > 1 else None
SERVER_CPU: int | None = _CPUS[1] if len(_CPUS) > 1 else None
WORKER_TIMEOUT = 900.0


class WorkerError(RuntimeError):
    """A worker process failed; the message holds its standard error."""


def run_worker(python: str | Path, task: dict[str, Any]) -> dict[str, Any]:
    """Run ``bench.worker`` with ``task`` under ``python`` pinned to the client CPU."""
    task = {"cpu": CLIENT_CPU, **task}
    done = subprocess.run(
        [str(python), "-m", "bench.worker", json.dumps(task)],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=WORKER_TIMEOUT,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise WorkerError(
            f"worker {task['kind']} ({task.get('client')}) failed with exit code "
            f"{done.returncode}:\n{done.stderr[-4000:]}"
        )
    result: dict[str, Any] = json.loads(lines[-1])
    return result


@contextmanager
def instant_server() -> Iterator[tuple[str, int]]:
    """Start ``bench.instant_server`` on a free port (pinned); yield (base URL, pid)."""
    with server_process("bench.instant_server") as started:
        yield started


@contextmanager
def server_process(module: str, *arguments: str) -> Iterator[tuple[str, int]]:
    """Start the loopback server ``python -m module`` on a free port, pinned to the server
    CPU; yield (base URL, pid); terminate it at the end (if it is not already dead)."""
    process = subprocess.Popen(
        [sys.executable, "-m", module, "--port", "0", *arguments]
        + ([] if SERVER_CPU is None else ["--cpu", str(SERVER_CPU)]),
        cwd=REPO_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.isdigit():
            raise RuntimeError(f"{module} did not start (it printed {line!r})")
        yield f"http://127.0.0.1:{line}", process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
