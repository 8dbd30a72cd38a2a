"""Serve the ``inference`` HTTP API on 127.0.0.1 (runs inside the server's virtualenv).

Executed by path with the server venv's interpreter, as
``python -I -u _launcher.py --port N --work-dir DIR``. rf_client itself is not installed
there, so this file imports nothing from rf_client. The package ships no server script
outside Docker, so the app is assembled from its public classes. Configuration comes from
environment variables, which ``inference`` reads once at import time; the caller sets them
(``server_environment``) and prepares the working folder (``start()``) before starting this
process.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

_HOST = "127.0.0.1"


def _parse_arguments() -> tuple[int, Path]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True, help="TCP port on 127.0.0.1")
    parser.add_argument("--work-dir", type=Path, required=True, help="working folder")
    arguments = parser.parse_args()
    port: int = arguments.port
    work_dir: Path = arguments.work_dir
    return port, work_dir


def main() -> None:
    """Build the ASGI app and serve it with uvicorn until SIGTERM."""
    port, work_dir = _parse_arguments()
    # The server resolves relative paths (landing page, and model ids that look like local
    # folders) against its working folder, so it gets a private one.
    os.chdir(work_dir)

    # Third-party modules of the server venv only; the dev venv's type checker cannot see them.
    import uvicorn
    from inference.core.env import MAX_ACTIVE_MODELS
    from inference.core.interfaces.http.http_api import HttpInterface
    from inference.core.managers.base import ModelManager
    from inference.core.managers.decorators.fixed_size_cache import WithFixedSizeCache
    from inference.core.registries.roboflow import RoboflowModelRegistry
    from inference.models.utils import ROBOFLOW_MODEL_TYPES

    registry = RoboflowModelRegistry(ROBOFLOW_MODEL_TYPES)
    manager = WithFixedSizeCache(ModelManager(model_registry=registry), max_size=MAX_ACTIVE_MODELS)
    app = HttpInterface(manager).app
    uvicorn.run(app, host=_HOST, port=port, log_level="info")


if __name__ == "__main__":
    main()
