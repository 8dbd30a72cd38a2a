"""Write the four offline models into a folder the server can be started with.

The text artefacts, md5s, records and manifests are written here; only the ONNX graphs need
the ``onnx`` package, which lives in the server's virtualenv, so that one step runs
``_onnx_graphs.py`` with the venv's interpreter.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rf_client.server.errors import OfflineModelsBuildError, ServerNotInstalledError
from rf_client.server.install import is_installed
from rf_client.server.layout import ServerLayout
from rf_client.server.offline_models.artefacts import (
    ONNX_OPSET,
    artefact_names,
    class_names_text,
    inference_config,
    json_text,
    keypoints_metadata,
    md5_of_file,
    model_config_manifest,
    model_type_document,
    model_type_path,
    offline_weights_record,
    package_dir,
    record_path,
)
from rf_client.server.offline_models.catalogue import (
    NETWORK_SIZE,
    OFFLINE_MODELS,
    PROTOTYPES,
    OfflineModelSpec,
)

__all__ = ["OfflineModelSet", "build_offline_models"]

GRAPH_SCRIPT = Path(__file__).resolve().with_name("_onnx_graphs.py")
"""The script that writes the ONNX graphs under the server venv's Python."""

_ONNX_IR_VERSION = 8
_GRAPH_BUILD_TIMEOUT = 300.0
_ERROR_TAIL_LINES = 40


@dataclass(frozen=True)
class OfflineModelSet:
    """A folder of built models: pass ``models_dir`` to ``start(models_dir=...)``."""

    models_dir: Path
    model_ids: tuple[str, ...]


def _graph_outputs(spec: OfflineModelSpec) -> list[dict[str, Any]]:
    rows = spec.output_rows()
    if spec.is_classifier:
        return [{"name": "output0", "values": rows[0]}]
    outputs: list[dict[str, Any]] = [{"name": "output0", "values": rows}]
    if spec.task_type == "instance-segmentation":
        prototypes = {
            "channels": PROTOTYPES.channels,
            "size": PROTOTYPES.size,
            "disc_centre": list(PROTOTYPES.disc_centre),
            "disc_radius": PROTOTYPES.disc_radius,
            "level": PROTOTYPES.level,
        }
        outputs.append({"name": "output1", "prototypes": prototypes})
    return outputs


def _write_text_artefacts(models_dir: Path, spec: OfflineModelSpec) -> None:
    folder = package_dir(models_dir, spec.model_id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "class_names.txt").write_text(class_names_text(spec), encoding="utf-8")
    (folder / "inference_config.json").write_text(
        json_text(inference_config(spec)), encoding="utf-8"
    )
    if spec.keypoint_names:
        (folder / "keypoints_metadata.json").write_text(
            json_text(keypoints_metadata(spec)), encoding="utf-8"
        )


def _write_graphs(python: Path, models_dir: Path) -> None:
    job = {
        "opset": ONNX_OPSET,
        "ir_version": _ONNX_IR_VERSION,
        "input_size": NETWORK_SIZE,
        "graphs": [
            {
                "path": str(package_dir(models_dir, spec.model_id) / "weights.onnx"),
                "outputs": _graph_outputs(spec),
            }
            for spec in OFFLINE_MODELS
        ],
    }
    command = [str(python), "-I", str(GRAPH_SCRIPT)]
    try:
        completed = subprocess.run(
            command,
            input=json.dumps(job),
            capture_output=True,
            text=True,
            timeout=_GRAPH_BUILD_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise OfflineModelsBuildError(
            f"could not run {python} to write the ONNX graphs: {error}",
            log_path=None,
            log_tail="",
        ) from error
    if completed.returncode != 0:
        output = (completed.stdout + completed.stderr).splitlines()
        raise OfflineModelsBuildError(
            f"writing the ONNX graphs failed with exit code {completed.returncode}",
            log_path=None,
            log_tail="\n".join(output[-_ERROR_TAIL_LINES:]),
        )


def _write_metadata(models_dir: Path, spec: OfflineModelSpec, recorded_at: str) -> None:
    folder = package_dir(models_dir, spec.model_id)
    md5s: Mapping[str, str] = {name: md5_of_file(folder / name) for name in artefact_names(spec)}
    (folder / "model_config.json").write_text(
        json_text(model_config_manifest(spec, md5s)), encoding="utf-8"
    )
    record = record_path(models_dir, spec.model_id)
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json_text(offline_weights_record(spec, md5s, recorded_at)), encoding="utf-8")
    model_type = model_type_path(models_dir, spec)
    model_type.parent.mkdir(parents=True, exist_ok=True)
    model_type.write_text(json_text(model_type_document(spec)), encoding="utf-8")


def build_offline_models(
    models_dir: str | Path,
    *,
    layout: ServerLayout | None = None,
    python: str | Path | None = None,
) -> OfflineModelSet:
    """Write ``offline-od/1``, ``offline-cls/1``, ``offline-seg/1`` and ``offline-kp/1``.

    Start the server with ``models_dir=`` this folder and they serve real (constant)
    predictions offline; see :mod:`rf_client.server.offline_models.catalogue` for what
    they predict. Existing files of these models are overwritten.

    Args:
        models_dir: the folder to write into (created if needed).
        layout: where the server is installed; default from the environment.
        python: an interpreter with ``onnx`` and ``numpy``; default the server venv's.

    Raises:
        ServerNotInstalledError: no ``python`` given and the server is not installed.
        OfflineModelsBuildError: a file could not be written or the graph script failed.
    """
    layout = layout or ServerLayout.from_environment()
    if python is None and not is_installed(layout):
        raise ServerNotInstalledError(
            "building the offline models needs the server's virtualenv (it has onnx); "
            "run `python -m rf_client.server install` first"
        )
    interpreter = Path(python) if python is not None else layout.venv_python
    target = Path(models_dir).expanduser().resolve()
    recorded_at = datetime.now(UTC).isoformat()
    try:
        for spec in OFFLINE_MODELS:
            _write_text_artefacts(target, spec)
        _write_graphs(interpreter, target)
        for spec in OFFLINE_MODELS:
            _write_metadata(target, spec, recorded_at)
    except OSError as error:
        raise OfflineModelsBuildError(
            f"could not write the offline models into {target}: {error}",
            log_path=None,
            log_tail="",
        ) from error
    return OfflineModelSet(target, tuple(spec.model_id for spec in OFFLINE_MODELS))
