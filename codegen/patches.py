"""Patches applied to the OpenAPI descriptions before generation.

Each patch is a small named function that edits the document in place; its docstring says
which server defect or generator limitation it works around. The tuple ``SPEC_PATCHES`` at the
end gives the order they run in. Limitations that cannot be fixed in the document (how the
generator parses unions and enums, quotes path parameters, sets timeouts) are fixed in the
generator's templates instead: see ``codegen/templates/README.md``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from codegen.spec_io import SCHEMA_PREFIX, Spec, rewrite_refs


def rename_schema(spec: Spec, old: str, new: str) -> None:
    """Rename component schema ``old`` to ``new`` (its title too), rewriting every ``$ref``."""
    schemas: dict[str, Any] = spec["components"]["schemas"]
    if old not in schemas:
        return
    if new in schemas:
        raise ValueError(f"cannot rename schema {old!r}: {new!r} already exists")
    schema = schemas.pop(old)
    schema["title"] = new
    schemas[new] = schema
    rewrite_refs(spec, {SCHEMA_PREFIX + old: SCHEMA_PREFIX + new})


def separate_colliding_point_schemas(spec: Spec) -> None:
    """Give the two schemas titled "Point" names of their own.

    Server defect: pydantic splits the model into ``Point-Input`` (a SAM2 prompt point with a
    ``positive`` flag) and ``Point-Output`` (a polygon vertex) but titles both "Point".
    Generator limitation: it names classes after titles, refuses the duplicate and then
    silently drops ``InstanceSegmentationPrediction``, which refers to the second one.
    """
    rename_schema(spec, "Point-Input", "Sam2PromptPoint")
    rename_schema(spec, "Point-Output", "Point")


def describe_rle_masks(spec: Spec) -> None:
    """Describe the COCO run-length mask that instance-segmentation predictions carry.

    Server defect: ``InstanceSegmentationRLEPrediction.rle`` is declared a free-form object,
    though its description gives the shape (``{"size": [H, W], "counts": ...}``); the client
    would get an untyped dict. ``counts`` is a string (compressed RLE) or a list of run
    lengths (uncompressed).
    """
    schemas: dict[str, Any] = spec["components"]["schemas"]
    prediction = schemas.get("InstanceSegmentationRLEPrediction")
    if prediction is None or "rle" not in prediction.get("properties", {}):
        return
    schemas["RleMask"] = {
        "title": "RleMask",
        "type": "object",
        "description": "A mask in COCO run-length encoding.",
        "required": ["size", "counts"],
        "properties": {
            "size": {
                "type": "array",
                "items": {"type": "integer"},
                "title": "Size",
                "description": "[height, width] of the mask.",
            },
            "counts": {
                "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "integer"}}],
                "title": "Counts",
                "description": "Compressed RLE string, or the list of run lengths.",
            },
        },
    }
    description = prediction["properties"]["rle"].get("description")
    prediction["properties"]["rle"] = {"$ref": SCHEMA_PREFIX + "RleMask"}
    if description:
        prediction["properties"]["rle"]["description"] = description


def request_body_schemas(spec: Spec) -> list[dict[str, Any]]:
    """The component schemas that some operation takes as its request body, each once."""
    schemas: dict[str, Any] = spec["components"]["schemas"]
    names: set[str] = set()
    for item in spec.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for media in operation.get("requestBody", {}).get("content", {}).values():
                schema = media.get("schema", {})
                for candidate in [schema, *schema.get("anyOf", []), *schema.get("oneOf", [])]:
                    ref = candidate.get("$ref", "") if isinstance(candidate, dict) else ""
                    if ref.startswith(SCHEMA_PREFIX):
                        names.add(ref.removeprefix(SCHEMA_PREFIX))
    return [schemas[name] for name in sorted(names) if name in schemas]


def unrequire_server_assigned_request_ids(spec: Spec) -> None:
    """Stop requiring the ``id`` of request bodies.

    Server defect: every inference request model has an ``id`` the server fills in itself
    (a pydantic ``default_factory``), yet the description lists it as required, so the
    generated request classes would force the caller to invent one. Servers accept requests
    without it.
    """
    for schema in request_body_schemas(spec):
        required = schema.get("required")
        if isinstance(required, list) and "id" in required:
            required.remove("id")


def let_the_server_apply_request_defaults(spec: Spec) -> None:
    """Leave the defaults of request-body fields to the server.

    Generator behaviour: a field with a default is always sent, so every request would pin
    this server version's defaults (confidence 0.4, ``usage_billable``...) even against a
    server whose defaults changed, and bloat every body. Without the default the field is
    ``UNSET`` unless the caller sets it; the default stays in its description.
    """
    for schema in request_body_schemas(spec):
        for prop in schema.get("properties", {}).values():
            if isinstance(prop, dict) and "default" in prop:
                default = prop.pop("default")
                note = f"Server default: {json.dumps(default, sort_keys=True)}."
                description = str(prop.get("description", "")).rstrip()
                if description and not description.endswith("."):
                    description += "."
                prop["description"] = f"{description} {note}".strip()


UNKNOWN_PREDICTION = "UnknownPrediction"


def tolerate_new_prediction_kinds(spec: Spec) -> None:
    """Give every union of prediction kinds a last member that takes any prediction.

    Forward compatibility: a newer server may add a kind (an instance-segmentation mask in a
    new ``mask_format``, say). With only the known members, nothing parses it and the whole
    response fails. ``UnknownPrediction`` keeps such a prediction's fields in
    ``additional_properties``; known kinds still parse to their own class, because the union
    parser prefers the member that recognises the most keys (codegen/templates).
    """
    schemas: dict[str, Any] = spec["components"]["schemas"]
    unions: list[dict[str, Any]] = []
    for node in _walk_dicts(schemas):
        for union_key in ("anyOf", "oneOf"):
            members = node.get(union_key)
            if not isinstance(members, list):
                continue
            names = [
                m.get("$ref", "").removeprefix(SCHEMA_PREFIX)
                for m in members
                if isinstance(m, dict)
            ]
            if sum(name.endswith("Prediction") for name in names) >= 2:
                unions.append(node)
                if UNKNOWN_PREDICTION not in names:
                    members.append({"$ref": SCHEMA_PREFIX + UNKNOWN_PREDICTION})
    if unions:
        schemas[UNKNOWN_PREDICTION] = {
            "title": UNKNOWN_PREDICTION,
            "type": "object",
            "additionalProperties": True,
            "description": "A prediction of a kind this client does not know yet (from a newer "
            "server); its fields are kept in additional_properties.",
        }


def merge_array_alternatives(spec: Spec) -> None:
    """Turn ``anyOf: [array of A, ..., array of B]`` into one ``array of (A | B)``.

    Generator limitation: a union's members are told apart with ``isinstance``, which cannot
    see a list's item type, so with two array members the first wins for every list and the
    other is unusable (``ClipCompareRequest.prompt``: a list of texts is sent through
    ``InferenceRequestImage.to_dict`` and crashes). One array of a union parses each item.
    """
    for node in _walk_dicts(spec):
        for union_key in ("anyOf", "oneOf"):
            members = node.get(union_key)
            if not isinstance(members, list):
                continue
            arrays = [m for m in members if isinstance(m, dict) and m.get("type") == "array"]
            if len(arrays) < 2:
                continue
            merged = {"type": "array", "items": {"anyOf": [m.get("items", {}) for m in arrays]}}
            first = members.index(arrays[0])
            others = [m for m in members if not (isinstance(m, dict) and m.get("type") == "array")]
            node[union_key] = [*others[:first], merged, *others[first:]]


TASK_TYPE = "TaskType"

KNOWN_TASK_TYPES = (
    "object-detection",
    "instance-segmentation",
    "semantic-segmentation",
    "classification",
    "keypoint-detection",
    "action-recognition",
    "embedding",
    "lmm",
    "llm",
    "ocr",
    "depth-estimation",
    "unsupervised-segmentation",
    "unknown",
)
"""The task types inference 1.8.3's models report (``task_type`` of its model classes)."""


def name_the_task_types(spec: Spec) -> None:
    """Type a model's ``task_type`` as the closed set it is, one ``TaskType`` enum.

    Server defect: the registry's ``task_type`` is declared a plain string, though the server
    only reports a fixed set (``object-detection``, ``classification``, ...): users would
    compare against string literals with no completion and no typo check. The generated enum
    still accepts a task type a newer server adds (codegen/templates: ``str_enum``).
    """
    schemas: dict[str, Any] = spec["components"]["schemas"]
    reference = {"$ref": SCHEMA_PREFIX + TASK_TYPE}
    patched = False
    for name in ("ModelDescriptionEntity", "StubResponse", "ModelMetadata"):
        properties = schemas.get(name, {}).get("properties", {})
        field = properties.get("task_type")
        if field is None:
            continue
        described = {key: field[key] for key in ("title", "description") if key in field}
        if field.get("type") == "string":
            properties["task_type"] = {**described, "allOf": [reference]}
        elif {"type": "string"} in field.get("anyOf", []):
            field["anyOf"] = [reference if m == {"type": "string"} else m for m in field["anyOf"]]
        else:
            continue
        patched = True
    if patched:
        schemas[TASK_TYPE] = {
            "title": TASK_TYPE,
            "type": "string",
            "enum": list(KNOWN_TASK_TYPES),
            "description": "The task a model performs, as the model registry reports it.",
        }


def _refs_below(node: object) -> set[str]:
    """The component schema names ``node`` refers to, directly."""
    return {
        str(item["$ref"]).removeprefix(SCHEMA_PREFIX)
        for item in _walk_dicts(node)
        if str(item.get("$ref", "")).startswith(SCHEMA_PREFIX)
    }


def request_schema_names(spec: Spec) -> set[str]:
    """Every component schema a request body contains, at any depth."""
    schemas: dict[str, Any] = spec["components"]["schemas"]
    bodies = [
        operation.get("requestBody", {})
        for item in spec.get("paths", {}).values()
        for operation in item.values()
        if isinstance(operation, dict)
    ]
    found: set[str] = set()
    pending = _refs_below(bodies)
    while pending:
        name = pending.pop()
        if name in found or name not in schemas:
            continue
        found.add(name)
        pending |= _refs_below(schemas[name])
    return found


def read_answer_defaults_as_present(spec: Spec) -> None:
    """Type an answer's field that has a default as always there (its default when absent).

    Server behaviour: answers always carry such fields (pydantic writes defaults), e.g.
    ``ClassificationInferenceResponse.top`` ("" by default) or ``confidence``. Generator
    limitation: a field that is not required is typed ``X | Unset``, so every user would
    narrow ``top`` before using it. The field is marked required; the model template falls
    back to the default when a server leaves it out, so such an answer still parses. Schemas
    that requests contain keep their optional fields (defaults there are the server's).
    """
    schemas: dict[str, Any] = spec["components"]["schemas"]
    in_requests = request_schema_names(spec)
    for name, schema in schemas.items():
        if name in in_requests or not isinstance(schema, dict):
            continue
        required = schema.get("required", [])
        filled = sorted(  # sorted: the result must not depend on the served key order
            field
            for field, prop in schema.get("properties", {}).items()
            if isinstance(prop, dict)
            and prop.get("default") is not None
            and not isinstance(prop["default"], dict | list)
            and field not in required
        )
        if filled:
            schema["required"] = [*required, *filled]


ONE_IMAGE_RESPONSES = (
    "AnomalyDetectionResponse",
    "ClassificationInferenceResponse",
    "InstanceSegmentationInferenceResponse",
    "KeypointsDetectionInferenceResponse",
    "MultiLabelClassificationInferenceResponse",
    "ObjectDetectionInferenceResponse",
    "SemanticSegmentationInferenceResponse",
)
"""The image-model responses that describe exactly one image each."""


def one_image_per_response(spec: Spec) -> None:
    """Type an image-model response's ``image`` as the one image it describes.

    Server defect: ``image`` is declared "one ``InferenceResponseImage`` or a list of them"
    (a type shared with the workflow blocks), though the server answers one response per
    image (a list of responses for a batch), each with its own image's size: every user
    would narrow a union that never holds a list. An answer with a list here no longer
    fits and raises ``ResponseValidationError``. ``LMMInferenceResponse`` keeps the union
    (a multimodal prompt may carry several images).
    """
    schemas: dict[str, Any] = spec["components"]["schemas"]
    single = {"$ref": SCHEMA_PREFIX + "InferenceResponseImage"}
    listed = {"type": "array", "items": single}
    for name in ONE_IMAGE_RESPONSES:
        field = schemas.get(name, {}).get("properties", {}).get("image")
        if not isinstance(field, dict):
            continue
        members = field.get("anyOf", [])
        if single in members and listed in members and len(members) == 2:
            described = {key: field[key] for key in ("title", "description") if key in field}
            schemas[name]["properties"]["image"] = {**described, "allOf": [single]}


def _walk_dicts(node: object) -> list[dict[str, Any]]:
    """Every dict below ``node``, itself included."""
    found: list[dict[str, Any]] = []
    stack: list[object] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            found.append(current)
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return found


SPEC_PATCHES: tuple[Callable[[Spec], None], ...] = (
    separate_colliding_point_schemas,
    describe_rle_masks,
    unrequire_server_assigned_request_ids,
    let_the_server_apply_request_defaults,
    tolerate_new_prediction_kinds,
    merge_array_alternatives,
    name_the_task_types,
    read_answer_defaults_as_present,
    one_image_per_response,
)


def apply_patches(spec: Spec) -> None:
    """Run every patch of ``SPEC_PATCHES`` on ``spec``, in order."""
    for patch in SPEC_PATCHES:
        patch(spec)
