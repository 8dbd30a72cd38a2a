"""Where each client runs, and the machine the numbers come from.

rf-client runs from the project's own virtualenv (``sys.executable`` of the benchmark);
inference-sdk 1.8.3 from ``bench/.venvs/sdk``, created on first use with pip. Nothing is
installed into the project's virtualenv.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import TypedDict

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
VENVS_DIR = BENCH_DIR / ".venvs"
WORK_DIR = BENCH_DIR / ".work"

SDK_REQUIREMENT = "inference-sdk==1.8.3"
SDK_VERSION = "1.8.3"
SDK_VENV = VENVS_DIR / "sdk"


class Machine(TypedDict):
    """What the benchmark ran on."""

    cpu_model: str
    cores: int
    memory_gib: float
    python: str
    os: str
    kernel: str
    rf_client_commit: str | None
    rf_client_uncommitted_changes: bool


def sdk_python() -> Path:
    """The interpreter of the inference-sdk virtualenv (it may not exist yet)."""
    return SDK_VENV / "bin" / "python"


def installed_sdk_version(python: Path) -> str | None:
    """The inference-sdk version installed for ``python``, or None."""
    if not python.exists():
        return None
    probe = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; print(m.version('inference-sdk'))"],
        capture_output=True,
        text=True,
        check=False,
    )
    return probe.stdout.strip() if probe.returncode == 0 else None


def ensure_sdk_venv(base_python: str | None = None) -> Path:
    """Create ``bench/.venvs/sdk`` with inference-sdk 1.8.3 unless it is already there.

    ``base_python`` is the interpreter the virtualenv is made from (default: the one running
    the benchmark, so both clients run on the same Python). Returns the venv's interpreter;
    raises ``RuntimeError`` with pip's output when the install fails.
    """
    python = sdk_python()
    if installed_sdk_version(python) == SDK_VERSION:
        return python
    base = base_python or _base_interpreter()
    print(f"creating {SDK_VENV} with {SDK_REQUIREMENT} (once) ...", flush=True)
    steps = [
        [base, "-m", "venv", "--clear", str(SDK_VENV)],
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            SDK_REQUIREMENT,
        ],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(
                f"{' '.join(step)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
            )
    if installed_sdk_version(python) != SDK_VERSION:
        raise RuntimeError(f"{SDK_VENV} does not hold {SDK_REQUIREMENT} after installing it")
    return python


def _base_interpreter() -> str:
    """The interpreter behind the running virtualenv (venvs are made from a base Python)."""
    base = Path(sys.base_prefix) / "bin" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    return str(base) if base.exists() else sys.executable


def machine_info() -> Machine:
    """CPU model, cores, memory, Python, OS, the checked-out commit and whether rf-client's
    files differ from it (the benchmark measures the working tree)."""
    cpu_model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_kib = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_kib = int(line.split()[1])
    except OSError:
        pass
    os_name = platform.platform()
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    commit = subprocess.run(
        ["git", "-C", str(REPO_DIR), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    changes = subprocess.run(
        ["git", "-C", str(REPO_DIR), "status", "--porcelain", "--", "rf_client", "generated"],
        capture_output=True,
        text=True,
        check=False,
    )
    return Machine(
        cpu_model=cpu_model,
        cores=os.cpu_count() or 1,
        memory_gib=round(memory_kib / 1024 / 1024, 1),
        python=platform.python_version(),
        os=os_name,
        kernel=platform.release(),
        rf_client_commit=commit.stdout.strip() or None,
        rf_client_uncommitted_changes=bool(changes.stdout.strip()),
    )
