"""The environment the server process starts with.

``inference`` reads its configuration from environment variables once, at import time, so
everything must be decided here before the process starts. The defaults keep the server from
reaching out to the internet (version checks, telemetry, Hugging Face) and keep its caches in
its own state folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

__all__ = ["ALL_ROUTES_ENVIRONMENT", "OFFLINE_ENVIRONMENT", "server_environment"]

OFFLINE_ENVIRONMENT: Mapping[str, str] = {
    "DISABLE_VERSION_CHECK": "True",
    "METRICS_ENABLED": "False",
    "ACTIVE_LEARNING_ENABLED": "False",
    "OTEL_TRACING_ENABLED": "False",
    "OTEL_METRICS_ENABLED": "False",
    "TELEMETRY_USE_PERSISTENT_QUEUE": "False",
    "ENABLE_STREAM_API": "False",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
}
"""Settings that make the server start and run without any network access."""

ALL_ROUTES_ENVIRONMENT: Mapping[str, str] = {
    "ENABLE_STREAM_API": "True",
    "CORE_MODEL_SAM3_ENABLED": "True",
    "CORE_MODEL_OWLV2_ENABLED": "True",
}
"""Settings that mount every optional route, so the OpenAPI document lists them all."""

# Variables of the calling interpreter that would leak into the server's own Python.
_DROPPED_VARIABLES = (
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONSTARTUP",
    "VIRTUAL_ENV",
    "__PYVENV_LAUNCHER__",
)


def server_environment(
    *,
    base: Mapping[str, str],
    venv_dir: Path,
    default_cache_dir: Path,
    models_dir: Path | None = None,
    all_routes: bool = False,
    overrides: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Build the server's environment from ``base`` (usually ``os.environ``).

    Args:
        base: inherited variables (PATH, HOME, locale...); the caller's Python settings are
            dropped so the server venv's interpreter is not steered by them.
        venv_dir: the server virtualenv, exported as ``VIRTUAL_ENV``.
        default_cache_dir: ``MODEL_CACHE_DIR``/``INFERENCE_HOME`` when no models folder is given.
        models_dir: a folder of locally built models (see ``offline_models``). The server then
            runs with ``OFFLINE_MODE=True`` and reads models from there, which must be decided
            before start: the server latches ``OFFLINE_MODE`` at start-up.
        all_routes: also mount the optional stream, SAM3 and OWLv2 routes.
        overrides: applied last, so the caller has the final word on every variable.
    """
    environment = {key: value for key, value in base.items() if key not in _DROPPED_VARIABLES}
    environment.update(OFFLINE_ENVIRONMENT)
    environment["VIRTUAL_ENV"] = str(venv_dir)
    # Both must point at the same folder: records and packages are read from INFERENCE_HOME,
    # model_type.json from MODEL_CACHE_DIR.
    cache_dir = models_dir if models_dir is not None else default_cache_dir
    environment["MODEL_CACHE_DIR"] = str(cache_dir)
    environment["INFERENCE_HOME"] = str(cache_dir)
    if models_dir is not None:
        environment["OFFLINE_MODE"] = "True"
    if all_routes:
        environment.update(ALL_ROUTES_ENVIRONMENT)
    if overrides:
        environment.update(overrides)
    return environment
