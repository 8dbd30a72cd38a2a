"""Local Roboflow ``inference`` server management: install, start, stop, feed with models.

The server (``inference-cpu[http]`` 1.8.3) runs from its own virtualenv, shared by every
checkout under ``${RF_CLIENT_HOME:-${XDG_CACHE_HOME:-~/.cache}/rf-client}``, bound to
127.0.0.1 only, without Docker and without internet::

    from rf_client.server import build_offline_models, install, running_server

    install()                                   # once per machine, a few minutes
    models = build_offline_models("models")     # four tiny models with known predictions
    with running_server(models_dir=models.models_dir) as server:
        ...                                     # talk to server.url

The same from a shell: ``python -m rf_client.server install | start | status | stop``.
Importing this package loads only the standard library.
"""

from __future__ import annotations

from rf_client.server.cli import add_subcommands, build_parser, main
from rf_client.server.context import LocalServer, running_server
from rf_client.server.errors import (
    OfflineModelsBuildError,
    PortInUseError,
    PythonNotFoundError,
    ServerInstallError,
    ServerManagementError,
    ServerNotInstalledError,
    ServerNotRunningError,
    ServerParameterError,
    ServerRecordError,
    ServerStartError,
    ServerStartTimeoutError,
    ServerStateError,
    ServerStopError,
)
from rf_client.server.install import Installation, install, is_installed
from rf_client.server.layout import (
    DEFAULT_PORT,
    INFERENCE_VERSION,
    InstanceLayout,
    ServerLayout,
    default_root,
)
from rf_client.server.lifecycle import (
    ServerHandle,
    ServerStatus,
    list_servers,
    start,
    status,
    stop,
)
from rf_client.server.offline_models import OfflineModelSet, build_offline_models
from rf_client.server.processes import pick_free_port, process_exists

__all__ = [
    "DEFAULT_PORT",
    "INFERENCE_VERSION",
    "Installation",
    "InstanceLayout",
    "LocalServer",
    "OfflineModelSet",
    "OfflineModelsBuildError",
    "PortInUseError",
    "PythonNotFoundError",
    "ServerHandle",
    "ServerInstallError",
    "ServerLayout",
    "ServerManagementError",
    "ServerNotInstalledError",
    "ServerNotRunningError",
    "ServerParameterError",
    "ServerRecordError",
    "ServerStartError",
    "ServerStartTimeoutError",
    "ServerStateError",
    "ServerStatus",
    "ServerStopError",
    "add_subcommands",
    "build_offline_models",
    "build_parser",
    "default_root",
    "install",
    "is_installed",
    "list_servers",
    "main",
    "pick_free_port",
    "process_exists",
    "running_server",
    "start",
    "status",
    "stop",
]
