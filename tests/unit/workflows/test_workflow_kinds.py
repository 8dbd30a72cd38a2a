"""How the generator types a workflow: names, kinds, defaults and nesting from the blocks."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from rf_client._workflow_codegen.interface import from_definition, from_description, python_names
from rf_client._workflow_codegen.kinds import output_type, parameter_annotation

DESCRIBED = {
    "inputs": {"image": ["image"], "k": ["integer"]},
    "outputs": {"crops": ["image"], "qr_on_crops": ["qr_code_detection"], "viz": ["image"]},
}
BLOCKS = {
    "blocks": [
        {"manifest_type_identifier": "roboflow_core/dynamic_crop@v1",
         "manifest_type_identifier_aliases": ["Crop"], "output_dimensionality_offset": 1,
         "input_dimensionality_offsets": {}},
        {"manifest_type_identifier": "roboflow_core/qr_code_detector@v1",
         "output_dimensionality_offset": 0, "input_dimensionality_offsets": {}},
    ]
}  # fmt: skip
DEFINITION = {
    "inputs": [{"type": "WorkflowImage", "name": "image"},
               {"type": "WorkflowParameter", "name": "k", "default_value": 3}],
    "steps": [
        {"type": "Crop", "name": "crop", "images": "$inputs.image", "predictions": "$steps.x.p"},
        {"type": "roboflow_core/qr_code_detector@v1", "name": "qr", "images": "$steps.crop.crops"},
        {"type": "roboflow_core/unknown@v1", "name": "viz", "image": "$inputs.image",
         "size": "$inputs.k"},
    ],
    "outputs": [{"type": "JsonField", "name": "crops", "selector": "$steps.crop.crops"},
                {"type": "JsonField", "name": "qr_on_crops", "selector": "$steps.qr.predictions"},
                {"type": "JsonField", "name": "viz", "selector": "$steps.viz.image"}],
}  # fmt: skip


def test_nesting_follows_the_blocks_dimensionality() -> None:
    interface = from_definition(DEFINITION, DESCRIBED, BLOCKS)
    depths = {o.name: o.depth for o in interface.outputs}
    # A crop adds a dimension (through its alias); the QR detector on crops keeps it.
    assert depths == {"crops": 1, "qr_on_crops": 1, "viz": 0}
    qr = output_type(interface.outputs[1].kinds, 1)
    assert (qr.annotation, qr.parser) == (
        "list[ObjectDetectionInferenceResponse]",
        "list_of(object_detection)",
    )
    k = interface.inputs[1]
    assert (k.image, k.has_default, k.default, k.kinds) == (False, True, 3, ("integer",))


def test_a_saved_workflow_has_no_defaults_or_nesting() -> None:
    interface = from_description(DESCRIBED)
    assert [(i.name, i.image, i.has_default) for i in interface.inputs] == [
        ("image", True, False),
        ("k", False, False),
    ]
    assert {o.depth for o in interface.outputs} == {0}


def test_inputs_cannot_shadow_run_or_the_inputs_methods() -> None:
    described = {"inputs": {"client": ["string"], "images": ["image"]}, "outputs": {}}
    interface = from_description(described)
    assert [i.python_name for i in interface.inputs] == ["client_", "images_"]
    assert [i.name for i in interface.inputs] == ["client", "images"]


def test_names_become_distinct_identifiers() -> None:
    names = ["min-conf", "class", "2nd", "min_conf", "from_row"]
    assert python_names(names, frozenset({"from_row"})) == [
        "min_conf",
        "class_",
        "_2nd",
        "min_conf_2",
        "from_row_",
    ]


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        (["object_detection_prediction", "instance_segmentation_prediction"], "Detections"),
        (["qr_code_detection", "object_detection_prediction"], "ObjectDetectionInferenceResponse"),
        (["integer", "float"], "float"),
        (["integer", "string"], "JsonValue"),
        (["zone"], "JsonValue"),
        (["classification_prediction"], "Classification"),
    ],
)
def test_output_kinds(kinds: list[str], expected: str) -> None:
    assert output_type(kinds, 0).annotation == expected


@pytest.mark.parametrize(
    ("kinds", "has_default", "default", "expected"),
    [
        (["*"], True, 0.5, "float"),
        (["*"], True, True, "bool"),
        (["*"], False, None, "JsonInput"),
        (["integer", "float"], True, 1, "float"),
        (["list_of_values"], True, [1, 2], "Sequence[JsonInput] | None"),
        (["string"], True, None, "str | None"),
        (["string"], False, None, "str"),
        (["float"], True, float("inf"), "float | None"),
    ],
)
def test_parameter_annotations(
    kinds: list[str], has_default: bool, default: object, expected: str
) -> None:
    assert parameter_annotation(kinds, has_default, default) == expected


def test_a_module_with_awkward_names_compiles(tmp_path: Path) -> None:
    from rf_client._workflow_codegen.render import ModuleSpec, Record, render

    described = {
        "inputs": {"client": ["string"], "images": ["image"], "min-conf": ["float"]},
        "outputs": {"from_row": ["integer"], "class": ["zone"]},
    }
    text = render(
        ModuleSpec(
            name="awkward",
            class_prefix="Awkward",
            interface=from_description(described),
            record=Record(source="saved:w/awkward", definition_sha256="0" * 64),
            command="rf-client generate workflow --workspace w --workflow-id awkward --output a.py",
            workspace_name="w",
            workflow_id="awkward",
        )
    )
    tree = ast.parse(text)
    run = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "run")
    assert [a.arg for a in run.args.kwonlyargs] == ["client_", "images_", "min_conf"]
    assert '"min-conf": self.min_conf' in text
    assert 'from_row_=field(row, "from_row", as_int, where)' in text
    assert 'class_=field(row, "class", as_json, where)' in text
    module = tmp_path / "awkward.py"
    module.write_text(text)
    compile(text, str(module), "exec")
