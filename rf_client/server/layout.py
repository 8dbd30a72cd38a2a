"""Where the local server lives on disk: one shared install, one state folder per port.

The root is ``${RF_CLIENT_HOME:-${XDG_CACHE_HOME:-~/.cache}/rf-client}``; several clones and
tools share it, so the 7 GB virtualenv is installed once per machine::

    <root>/inference-1.8.3/
        venv/                           the server's own virtualenv
        venv/rf-client-install.json     marker written after a fully successful install
        state/install.log               pip output of the last install
        state/<port>/server.json        pid record of the server on <port>
        state/<port>/server.log         its stdout and stderr
        state/<port>/lock               serialises start and stop on the port
        state/<port>/work/              its working folder (holds the landing-page folders)
        state/<port>/cache/             its model cache when no models folder is given
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rf_client.server.errors import ServerStateError

__all__ = [
    "DEFAULT_PORT",
    "INFERENCE_VERSION",
    "InstanceLayout",
    "ServerLayout",
    "default_root",
]

INFERENCE_VERSION = "1.8.3"
"""The pinned version of the ``inference-cpu`` server package."""

DEFAULT_PORT = 9001
"""The port the inference server uses by default (as in Roboflow's own docs)."""


def default_root(environ: Mapping[str, str] | None = None) -> Path:
    """Return ``${RF_CLIENT_HOME:-${XDG_CACHE_HOME:-~/.cache}/rf-client}``; empty means unset."""
    env = os.environ if environ is None else environ
    explicit = env.get("RF_CLIENT_HOME")
    if explicit:
        return Path(explicit).expanduser()
    cache_home = env.get("XDG_CACHE_HOME") or str(Path("~/.cache").expanduser())
    return Path(cache_home).expanduser() / "rf-client"


@dataclass(frozen=True)
class InstanceLayout:
    """The state folder of the server instance listening on one port."""

    port: int
    directory: Path

    @property
    def record_file(self) -> Path:
        """JSON pid record: pid, port, launcher path, log path, start time."""
        return self.directory / "server.json"

    @property
    def log_file(self) -> Path:
        """The server's combined stdout and stderr."""
        return self.directory / "server.log"

    @property
    def work_dir(self) -> Path:
        """The server's working folder; its relative paths resolve here."""
        return self.directory / "work"

    @property
    def lock_file(self) -> Path:
        """Held while a server on this port is being started or stopped."""
        return self.directory / "lock"

    @property
    def cache_dir(self) -> Path:
        """Model cache used when the server is started without a models folder."""
        return self.directory / "cache"


@dataclass(frozen=True)
class ServerLayout:
    """Paths of the shared server install under one root folder."""

    root: Path

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> ServerLayout:
        """Layout under :func:`default_root` for the given (default: current) environment."""
        return cls(default_root(environ))

    @property
    def version_dir(self) -> Path:
        """Everything that belongs to the pinned server version."""
        return self.root / f"inference-{INFERENCE_VERSION}"

    @property
    def venv_dir(self) -> Path:
        """The server's virtualenv."""
        return self.version_dir / "venv"

    @property
    def venv_python(self) -> Path:
        """The virtualenv's interpreter, which runs the launcher and the model builder."""
        return self.venv_dir / "bin" / "python"

    @property
    def install_marker(self) -> Path:
        """Written last by a successful install; lives in the venv so it dies with it."""
        return self.venv_dir / "rf-client-install.json"

    @property
    def state_dir(self) -> Path:
        """Parent of the install log and of every per-port state folder."""
        return self.version_dir / "state"

    @property
    def install_log(self) -> Path:
        """pip output of the most recent install."""
        return self.state_dir / "install.log"

    @property
    def install_lock(self) -> Path:
        """Lock file that serialises concurrent installs."""
        return self.state_dir / "install.lock"

    def instance(self, port: int) -> InstanceLayout:
        """State folder of the server on ``port``."""
        return InstanceLayout(port=port, directory=self.state_dir / str(port))

    def known_instances(self) -> list[InstanceLayout]:
        """State folders that hold a pid record, sorted by port.

        Raises:
            ServerStateError: the state folder cannot be read (permissions, I/O error).
        """
        try:
            if not self.state_dir.is_dir():
                return []
            ports = sorted(
                int(entry.name)
                for entry in self.state_dir.iterdir()
                if entry.name.isdigit() and (entry / "server.json").is_file()
            )
        except OSError as error:
            raise ServerStateError(
                f"cannot read the servers' state folder {self.state_dir}: {error}. Make it "
                "readable (it is shared by every rf-client using this cache root), or set "
                "RF_CLIENT_HOME to a folder of your own"
            ) from error
        return [self.instance(port) for port in ports]
