"""A workflow's interface as the generator sees it: inputs, outputs, kinds, defaults, nesting.

The kinds come from the server (``describe_interface``: only it knows its blocks); the rest from
the definition when there is one: each input's default value, and how deep each output is
nested, worked out from the blocks' declared dimensionality (``/workflows/blocks/describe``): a
step fed by a step that adds a dimension (a dynamic crop) gives a list per input image. A saved
workflow (workspace and id) is known only through ``describe_interface``: its parameters have no
defaults there, and its outputs are taken as one value per input image.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping, Sequence

import attrs

from rf_client.errors import InvalidParameterError

IMAGE_INPUT_TYPES = frozenset({"WorkflowImage", "InferenceImage"})
"""Definition input types that take images (``Inference*`` are the pre-1.0 aliases)."""

INPUT_RESERVED = frozenset({"client", "images", "parameters"})
"""Names an input cannot take in a module: run()'s client, the Inputs class's methods."""
OUTPUT_RESERVED = frozenset({"from_row"})
"""Names an output cannot take: the Outputs class's parser."""

_REFERENCE = re.compile(r"^\$(inputs|steps)\.([^.\s]+)")


@attrs.frozen
class Input:
    """One workflow input: its wire name, Python name, kinds and (for parameters) default."""

    name: str
    python_name: str
    image: bool
    kinds: tuple[str, ...]
    has_default: bool = False
    default: object = None


@attrs.frozen
class Output:
    """One workflow output: wire name, Python name, kinds, and how many lists wrap a value."""

    name: str
    python_name: str
    kinds: tuple[str, ...]
    depth: int = 0


@attrs.frozen
class Interface:
    """What a generated module types."""

    inputs: tuple[Input, ...]
    outputs: tuple[Output, ...]


def python_names(names: Sequence[str], reserved: frozenset[str] = frozenset()) -> list[str]:
    """Each name as a distinct Python identifier (``min-conf`` -> ``min_conf``, ``class`` ->
    ``class_``), avoiding ``reserved``."""
    taken = set(reserved)
    result: list[str] = []
    for name in names:
        base = re.sub(r"\W", "_", name) or "_"
        if base[0].isdigit():
            base = f"_{base}"
        if keyword.iskeyword(base) or keyword.issoftkeyword(base) or base in reserved:
            base = f"{base}_"
        candidate, number = base, 2
        while candidate in taken:
            candidate, number = f"{base}_{number}", number + 1
        taken.add(candidate)
        result.append(candidate)
    return result


def _kinds(described: Mapping[str, object], name: str) -> tuple[str, ...]:
    kinds = described.get(name)
    if not isinstance(kinds, list) or not all(isinstance(kind, str) for kind in kinds):
        # A wildcard output (``$steps.x.*``) is described as a dict of fields: plain JSON here.
        return ("*",)
    return tuple(kinds) or ("*",)


def _items(definition: Mapping[str, object], key: str) -> list[Mapping[str, object]]:
    """The objects of a definition's list ``key`` (``inputs``, ``steps``, ``outputs``)."""
    listed = definition.get(key)
    return (
        [item for item in listed if isinstance(item, Mapping)] if isinstance(listed, list) else []
    )


def _section(answer: Mapping[str, object], key: str) -> Mapping[str, object]:
    section = answer.get(key)
    if not isinstance(section, Mapping):
        raise InvalidParameterError(
            f"the server's describe_interface answer has no {key!r} object; is it an inference "
            "server (1.x)?"
        )
    return section


def _references(value: object) -> list[tuple[str, str]]:
    """Every ``$inputs.x`` / ``$steps.y...`` selector in a step's properties, at any depth."""
    if isinstance(value, str):
        match = _REFERENCE.match(value)
        return [(match.group(1), match.group(2))] if match else []
    if isinstance(value, Mapping):
        return [ref for item in value.values() for ref in _references(item)]
    if isinstance(value, list):
        return [ref for item in value for ref in _references(item)]
    return []


def _block_offsets(blocks: Mapping[str, object]) -> dict[str, tuple[int, dict[str, int]]]:
    """Block type (and aliases) -> (output dimensionality offset, input offsets by property)."""
    offsets: dict[str, tuple[int, dict[str, int]]] = {}
    listed = blocks.get("blocks")
    for block in listed if isinstance(listed, list) else []:
        if not isinstance(block, Mapping):
            continue
        output = block.get("output_dimensionality_offset")
        inputs = block.get("input_dimensionality_offsets")
        entry = (
            output if isinstance(output, int) else 0,
            {k: v for k, v in inputs.items() if isinstance(v, int)}
            if isinstance(inputs, Mapping)
            else {},
        )
        aliases = block.get("manifest_type_identifier_aliases")
        names = [
            block.get("manifest_type_identifier"),
            *(aliases if isinstance(aliases, list) else []),
        ]
        for name in names:
            if isinstance(name, str):
                offsets[name] = entry
    return offsets


def _step_dimensions(
    definition: Mapping[str, object], image_inputs: set[str], blocks: Mapping[str, object]
) -> dict[str, int]:
    """Each step's dimensionality: 1 for one value per input image, 2 for a list of them, ..."""
    offsets = _block_offsets(blocks)
    steps = {str(step["name"]): step for step in _items(definition, "steps") if "name" in step}
    dimensions: dict[str, int] = {}

    def dimension(name: str, visiting: frozenset[str]) -> int:
        if name in dimensions:
            return dimensions[name]
        if name in visiting or name not in steps:
            return 1  # a cycle or a dangling reference: the server rejects it anyway
        step = steps[name]
        output_offset, input_offsets = offsets.get(str(step.get("type")), (0, {}))
        base = 0
        for prop, value in step.items():
            for source, target in _references(value):
                if source == "inputs":
                    found = 1 if target in image_inputs else 0
                else:
                    found = dimension(target, visiting | {name})
                base = max(base, found - input_offsets.get(prop, 0))
        dimensions[name] = max(base + output_offset, 0)
        return dimensions[name]

    for name in steps:
        dimension(name, frozenset())
    return dimensions


def from_definition(
    definition: Mapping[str, object],
    described: Mapping[str, object],
    blocks: Mapping[str, object],
) -> Interface:
    """The interface of a workflow definition, with the server's kinds and blocks."""
    described_inputs = _section(described, "inputs")
    described_outputs = _section(described, "outputs")
    raw_inputs = _items(definition, "inputs")
    raw_outputs = _items(definition, "outputs")
    input_names = [str(i.get("name")) for i in raw_inputs]
    inputs = tuple(
        Input(
            name=name,
            python_name=python_name,
            image=raw.get("type") in IMAGE_INPUT_TYPES,
            kinds=_kinds(described_inputs, name),
            has_default="default_value" in raw,
            default=raw.get("default_value"),
        )
        for raw, name, python_name in zip(
            raw_inputs, input_names, python_names(input_names, INPUT_RESERVED), strict=True
        )
    )
    image_inputs = {i.name for i in inputs if i.image}
    dimensions = _step_dimensions(definition, image_inputs, blocks)
    output_names = [str(o.get("name")) for o in raw_outputs]
    outputs: list[Output] = []
    for raw, name, python_name in zip(
        raw_outputs, output_names, python_names(output_names, OUTPUT_RESERVED), strict=True
    ):
        selector = raw.get("selector")
        refs = _references(selector) if isinstance(selector, str) else []
        depth = 0
        if refs and refs[0][0] == "steps":
            depth = max(dimensions.get(refs[0][1], 1) - 1, 0)
        kinds = _kinds(described_outputs, name)
        outputs.append(Output(name=name, python_name=python_name, kinds=kinds, depth=depth))
    return Interface(inputs=inputs, outputs=tuple(outputs))


def from_description(described: Mapping[str, object]) -> Interface:
    """The interface of a saved workflow, from its ``describe_interface`` answer alone."""
    described_inputs = _section(described, "inputs")
    described_outputs = _section(described, "outputs")
    input_names = sorted(described_inputs)
    output_names = list(described_outputs)
    inputs = tuple(
        Input(
            name=name,
            python_name=python_name,
            image="image" in (kinds := _kinds(described_inputs, name)),
            kinds=kinds,
        )
        for name, python_name in zip(
            input_names, python_names(input_names, INPUT_RESERVED), strict=True
        )
    )
    outputs = tuple(
        Output(name=name, python_name=python_name, kinds=_kinds(described_outputs, name))
        for name, python_name in zip(
            output_names, python_names(output_names, OUTPUT_RESERVED), strict=True
        )
    )
    return Interface(inputs=inputs, outputs=outputs)
