"""build_offline_models() wiring, with a fake interpreter standing in for onnx."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from rf_client.server import (
    OfflineModelsBuildError,
    ServerLayout,
    ServerNotInstalledError,
    build_offline_models,
)
from rf_client.server.offline_models.artefacts import md5_of_file, package_dir, record_path

ScriptFactory = Callable[[str, str], Path]

# Writes each requested "graph" as the JSON of its outputs, so the test can inspect the job.
FAKE_GRAPH_WRITER = """
import json, sys
job = json.load(sys.stdin)
assert job["opset"] == 17 and job["ir_version"] == 8 and job["input_size"] == 640
for graph in job["graphs"]:
    with open(graph["path"], "w") as handle:
        json.dump(graph["outputs"], handle)
"""


def test_builds_all_files_with_matching_md5s(
    make_script: ScriptFactory, layout: ServerLayout, tmp_path: Path
) -> None:
    writer = make_script("fake-onnx-python", FAKE_GRAPH_WRITER)
    built = build_offline_models(tmp_path / "models", layout=layout, python=writer)
    assert built.model_ids == ("offline-od/1", "offline-cls/1", "offline-seg/1", "offline-kp/1")
    for model_id in built.model_ids:
        folder = package_dir(built.models_dir, model_id)
        record = json.loads(record_path(built.models_dir, model_id).read_text())
        manifest = json.loads((folder / "model_config.json").read_text())
        for artefact in record["packages"][0]["artifacts"]:
            assert artefact["md5_hash"] == md5_of_file(folder / artefact["file_handle"])
        assert [a["md5_hash"] for a in manifest["package_artifacts"]] == [
            a["md5_hash"] for a in record["packages"][0]["artifacts"]
        ]
        dataset, version = model_id.split("/")
        model_type = json.loads(
            (built.models_dir / dataset / version / "model_type.json").read_text()
        )
        assert model_type["model_id"] == model_id

    seg_outputs = json.loads(
        (package_dir(built.models_dir, "offline-seg/1") / "weights.onnx").read_text()
    )
    assert [output["name"] for output in seg_outputs] == ["output0", "output1"]
    assert seg_outputs[1]["prototypes"]["disc_radius"] == 20.0
    cls_outputs = json.loads(
        (package_dir(built.models_dir, "offline-cls/1") / "weights.onnx").read_text()
    )
    assert cls_outputs == [{"name": "output0", "values": [0.7, 0.2, 0.1]}]


def test_graph_failure_carries_its_output(
    make_script: ScriptFactory, layout: ServerLayout, tmp_path: Path
) -> None:
    broken = make_script(
        "broken-python",
        "import sys\nprint(\"ModuleNotFoundError: No module named 'onnx'\", file=sys.stderr)\n"
        "sys.exit(1)\n",
    )
    with pytest.raises(OfflineModelsBuildError) as caught:
        build_offline_models(tmp_path / "models", layout=layout, python=broken)
    assert "No module named 'onnx'" in caught.value.log_tail
    assert "exit code 1" in str(caught.value)


def test_needs_the_server_venv(layout: ServerLayout, tmp_path: Path) -> None:
    with pytest.raises(ServerNotInstalledError):
        build_offline_models(tmp_path / "models", layout=layout)
