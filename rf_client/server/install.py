"""Installing the pinned ``inference`` server into its own virtualenv.

The install is three steps, each logged to ``<state>/install.log``: create the virtualenv with
Python 3.11, install the pinned torch/torchvision, then ``inference-cpu[http]``. Torch goes
first because inference-cpu needs it and pip would otherwise pick a multi-GB build on its own.
A marker naming the pinned versions is written only after every step succeeded and the
installed versions were read back, so a second call is a cheap no-op and a broken install is
never mistaken for a good one.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from rf_client.server._locks import exclusive_lock
from rf_client.server._logs import tail_lines
from rf_client.server.errors import PythonNotFoundError, ServerInstallError
from rf_client.server.layout import INFERENCE_VERSION, ServerLayout

__all__ = [
    "PINNED_PACKAGES",
    "REQUIRED_PYTHON",
    "Installation",
    "find_python",
    "install",
    "is_installed",
]

REQUIRED_PYTHON = "3.11"
"""The Python minor version the server virtualenv is built with."""

PINNED_PACKAGES: dict[str, str] = {
    "torch": "2.14.1",
    "torchvision": "0.29.1",
    "inference-cpu": INFERENCE_VERSION,
}
"""Distribution name -> exact version that a finished install must have."""

# Installed in this order, one pip call per group (see the module docstring for why).
_INSTALL_STEPS: tuple[tuple[str, ...], ...] = (
    (f"torch=={PINNED_PACKAGES['torch']}", f"torchvision=={PINNED_PACKAGES['torchvision']}"),
    (f"inference-cpu[http]=={PINNED_PACKAGES['inference-cpu']}",),
)
_MARKER_VERSION = 1
_VERSION_PROBE = "import sys; print('%d.%d' % sys.version_info[:2])"
_INSTALLED_VERSIONS_PROBE = (
    "import json, sys\n"
    "from importlib import metadata\n"
    "found = {}\n"
    "for name in sys.argv[1:]:\n"
    "    try:\n"
    "        found[name] = metadata.version(name)\n"
    "    except metadata.PackageNotFoundError:\n"
    "        found[name] = None\n"
    "print(json.dumps(found))\n"
)


@dataclass(frozen=True)
class Installation:
    """A usable server virtualenv."""

    venv_dir: Path
    python: Path
    log_path: Path
    freshly_installed: bool
    """False when the marker showed a complete install and nothing was run."""


def _expected_marker_fields() -> dict[str, object]:
    return {
        "marker_version": _MARKER_VERSION,
        "python": REQUIRED_PYTHON,
        "packages": PINNED_PACKAGES,
    }


def is_installed(layout: ServerLayout | None = None) -> bool:
    """True if the virtualenv exists and its marker names exactly the pinned versions."""
    layout = layout or ServerLayout.from_environment()
    if not layout.venv_python.exists():
        return False
    try:
        marker = json.loads(layout.install_marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(marker, dict):
        return False
    return all(marker.get(key) == value for key, value in _expected_marker_fields().items())


def find_python(candidate: str | None = None) -> str:
    """Return a Python 3.11 executable (``candidate``, else ``python3.11`` on PATH).

    Raises:
        PythonNotFoundError: none is found, or it is not Python 3.11 (a pyenv shim without
            an installed 3.11 counts as missing).
    """
    executable = candidate or shutil.which(f"python{REQUIRED_PYTHON}")
    if executable is None:
        raise PythonNotFoundError(
            f"the local inference server needs Python {REQUIRED_PYTHON} for its virtualenv, "
            f"but no `python{REQUIRED_PYTHON}` was found on PATH; install Python "
            f"{REQUIRED_PYTHON} or pass its path explicitly"
        )
    try:
        probe = subprocess.run(
            [executable, "-c", _VERSION_PROBE],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise PythonNotFoundError(
            f"the local inference server needs Python {REQUIRED_PYTHON}, "
            f"but {executable!r} could not be run: {error}"
        ) from error
    version = probe.stdout.strip()
    if probe.returncode != 0 or version != REQUIRED_PYTHON:
        shown = version or probe.stderr.strip() or f"exit code {probe.returncode}"
        raise PythonNotFoundError(
            f"the local inference server needs Python {REQUIRED_PYTHON}, "
            f"but {executable!r} is not usable as such ({shown})"
        )
    return executable


def _run_logged(command: Sequence[str], log: IO[str], log_path: Path, step: str) -> None:
    """Run ``command`` with its output streamed into the open log; raise on failure."""
    log.write(f"\n$ {' '.join(command)}\n")
    log.flush()
    try:
        completed = subprocess.run(
            list(command),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except OSError as error:
        log.write(f"could not run the command: {error}\n")
        log.flush()
        raise ServerInstallError(
            f"{step} failed: {error}", log_path=log_path, log_tail=tail_lines(log_path)
        ) from error
    log.flush()
    if completed.returncode != 0:
        raise ServerInstallError(
            f"{step} failed with exit code {completed.returncode}",
            log_path=log_path,
            log_tail=tail_lines(log_path),
        )


def _check_installed_versions(python: Path, log: IO[str], log_path: Path) -> None:
    """Read the installed versions back from the venv; they must equal the pins."""
    try:
        probe = subprocess.run(
            [str(python), "-I", "-c", _INSTALLED_VERSIONS_PROBE, *PINNED_PACKAGES],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        found = json.loads(probe.stdout) if probe.returncode == 0 else None
    except (OSError, subprocess.SubprocessError, ValueError) as error:
        found, probe_error = None, str(error)
    else:
        probe_error = probe.stderr.strip()
    log.write(f"\ninstalled versions: {found}\n")
    log.flush()
    if found != PINNED_PACKAGES:
        raise ServerInstallError(
            f"installed versions {found} do not match the pins {PINNED_PACKAGES}"
            + (f" ({probe_error})" if probe_error and found is None else ""),
            log_path=log_path,
            log_tail=tail_lines(log_path),
        )


def install(
    *, layout: ServerLayout | None = None, python: str | None = None, force: bool = False
) -> Installation:
    """Install the pinned inference server into the shared virtualenv (no-op when done).

    Args:
        layout: where to install; defaults to :meth:`ServerLayout.from_environment`.
        python: the Python 3.11 executable to build the venv with; default ``python3.11``.
        force: run every step even if the marker says the install is complete.

    Raises:
        PythonNotFoundError: no usable Python 3.11.
        ServerInstallError: a step failed; the message carries the tail of the install log.
    """
    layout = layout or ServerLayout.from_environment()
    try:
        with exclusive_lock(layout.install_lock):
            if not force and is_installed(layout):
                return Installation(
                    layout.venv_dir, layout.venv_python, layout.install_log, freshly_installed=False
                )
            base_python = find_python(python)
            _install_steps(layout, base_python)
    except OSError as error:
        # Disk full, read-only cache, permissions: the lock, log or marker could not be written.
        raise ServerInstallError(
            f"could not write the server install under {layout.version_dir}: {error}",
            log_path=layout.install_log,
            log_tail=tail_lines(layout.install_log),
        ) from error
    return Installation(
        layout.venv_dir, layout.venv_python, layout.install_log, freshly_installed=True
    )


def _venv_python_version(python: Path) -> str | None:
    """The ``major.minor`` of an existing venv interpreter, or None if it does not run."""
    try:
        probe = subprocess.run(
            [str(python), "-c", _VERSION_PROBE],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return probe.stdout.strip() if probe.returncode == 0 else None


def _ensure_venv(layout: ServerLayout, base_python: str, log: IO[str], log_path: Path) -> None:
    """Create the venv, or keep an existing one built with the right Python.

    Re-running ``venv`` over a working venv would rewrite its scripts under a possibly running
    server for nothing, and pip below fills in whatever is missing. A venv of another Python is
    useless to the pins, and the folder is ours, so it is rebuilt from scratch.
    """
    if layout.venv_python.exists():
        existing = _venv_python_version(layout.venv_python)
        if existing == REQUIRED_PYTHON:
            log.write(f"reusing the existing virtualenv {layout.venv_dir}\n")
            return
        log.write(f"rebuilding {layout.venv_dir}: its Python is {existing}\n")
        command = [base_python, "-m", "venv", "--clear", str(layout.venv_dir)]
    else:
        command = [base_python, "-m", "venv", str(layout.venv_dir)]
    _run_logged(command, log, log_path, f"creating the virtualenv {layout.venv_dir}")


def _install_steps(layout: ServerLayout, base_python: str) -> None:
    """Create the venv, pip install the pins, verify them, then write the marker."""
    layout.install_marker.unlink(missing_ok=True)
    log_path = layout.install_log
    with log_path.open("w", encoding="utf-8") as log:
        started = datetime.now(UTC).isoformat()
        log.write(f"rf-client: installing inference {INFERENCE_VERSION} ({started})\n")
        _ensure_venv(layout, base_python, log, log_path)
        pip = [str(layout.venv_python), "-m", "pip", "install", "--no-input"]
        pip += ["--progress-bar", "off"]
        for requirements in _INSTALL_STEPS:
            step = f"pip install {' '.join(requirements)}"
            _run_logged([*pip, *requirements], log, log_path, step)
        _check_installed_versions(layout.venv_python, log, log_path)
        installed_at = datetime.now(UTC).isoformat()
        marker = {**_expected_marker_fields(), "installed_at": installed_at}
        layout.install_marker.write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
        log.write("rf-client: install complete\n")
