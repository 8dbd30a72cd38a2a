"""The text of a generated workflow module (ruff-formatted as written: exploded calls)."""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Mapping

import attrs

from rf_client._workflow_codegen.interface import Input, Interface, Output
from rf_client._workflow_codegen.kinds import (
    default_literal,
    output_type,
    parameter_annotation,
)

GENERATOR_VERSION = "1"
"""Bumped whenever the generated text changes, so ``--check`` calls older modules stale."""

LINE_LENGTH = 100


@attrs.frozen
class Record:
    """Which definition a module was made from: what ``--check`` compares."""

    source: str
    """``spec:<path>`` or ``saved:<workspace>/<workflow id>``."""
    definition_sha256: str
    generator_version: str = GENERATOR_VERSION


@attrs.frozen
class ModuleSpec:
    """Everything one module is made of."""

    name: str
    class_prefix: str
    interface: Interface
    record: Record
    command: str
    """The command line that regenerates the module (shown in its docstring)."""
    specification: Mapping[str, object] | None = None
    workspace_name: str | None = None
    workflow_id: str | None = None


def literal(value: object) -> str:
    """A plain value as ruff formats it (strings in double quotes)."""
    return json.dumps(value) if isinstance(value, str) else repr(value)


def class_prefix(name: str) -> str:
    """``template_matching`` -> ``TemplateMatching`` (a valid class name prefix)."""
    words = [word for word in re.split(r"[^0-9A-Za-z]+", name) if word]
    prefix = "".join(word[:1].upper() + word[1:] for word in words) or "Workflow"
    return prefix if not prefix[0].isdigit() else f"Workflow{prefix}"


def _exploded(head: str, items: list[str], tail: str, indent: str) -> list[str]:
    """``head(`` + one item per line (trailing commas keep ruff from joining them) + ``)``."""
    if not items:
        return [f"{indent}{head}{tail}"]
    inner = indent + "    "
    return [f"{indent}{head}", *(f"{inner}{item}," for item in items), f"{indent}{tail}"]


def _field_line(output: Output, indent: str) -> list[str]:
    parser = output_type(output.kinds, output.depth).parser
    name = literal(output.name)
    line = f"{indent}{output.python_name}=field(row, {name}, {parser}, where),"
    if len(line) <= LINE_LENGTH:
        return [line]
    return [
        f"{indent}{output.python_name}=field(",
        f"{indent}    row, {name}, {parser}, where",
        f"{indent}),",
    ]


def _input_annotation(item: Input) -> str:
    if item.image:
        return "WorkflowImage"
    return parameter_annotation(item.kinds, item.has_default, item.default)


def _input_field(item: Input) -> str:
    annotation = _input_annotation(item)
    if item.has_default and not item.image:
        return f"{item.python_name}: {annotation} = {default_literal(item.default)}"
    return f"{item.python_name}: {annotation}"


def _runtime_names(spec: ModuleSpec) -> list[str]:
    used = "\n".join(
        [output_type(o.kinds, o.depth).parser for o in spec.interface.outputs]
        + [output_type(o.kinds, o.depth).annotation for o in spec.interface.outputs]
        + [_input_annotation(i) for i in spec.interface.inputs]
    )
    names = {"WorkflowSource", "field", "run_rows", "run_rows_async", "JsonInput"}
    if spec.specification is not None:
        names.update({"specification_from_json"})
    # Every name the runtime exports that the kinds' annotations and parsers use.
    from rf_client import workflow_runtime

    candidates = workflow_runtime.__all__
    names.update(name for name in candidates if re.search(rf"\b{name}\b", used))

    # isort's order by type, as ruff applies it: CONSTANTS, Classes, then the rest.
    def order(name: str) -> tuple[int, str]:
        kind = 0 if name.isupper() else 1 if name[:1].isupper() else 2
        return kind, name

    return sorted(names, key=order)


def _imports(spec: ModuleSpec) -> list[str]:
    outputs = [output_type(o.kinds, o.depth) for o in spec.interface.outputs]
    text = " ".join(t.annotation for t in outputs)
    models = sorted({model for t in outputs for model in t.models if model in text})
    annotations = " ".join(_input_annotation(i) for i in spec.interface.inputs)
    lines = ["from __future__ import annotations", ""]
    collections = ["Mapping"] + (["Sequence"] if "Sequence[" in annotations else [])
    lines.append(f"from collections.abc import {', '.join(collections)}")
    lines.append("from typing import Final")
    lines.append("")
    lines.append("import attrs")
    if models:
        lines.extend(_exploded("from rf_api_v1.models import (", models, ")", ""))
    lines.append("")
    lines.append("from rf_client import InferenceHTTPClient, WorkflowImage")
    lines.extend(
        _exploded("from rf_client.workflow_runtime import (", _runtime_names(spec), ")", "")
    )
    return lines


def _docstring(spec: ModuleSpec) -> list[str]:
    return [
        f'"""Typed inputs, outputs and ``run`` of the workflow ``{spec.name}``.',
        "",
        "Generated by ``rf-client generate workflow``; do not edit. The command below regenerates",
        "it; with ``--check`` it exits 1 when the module is stale (for CI).",
        '"""',
    ]


def _command_comment(spec: ModuleSpec) -> list[str]:
    """The regenerating command as a comment, one option per line (paths can be long)."""
    parts = re.split(r" (?=--)", spec.command)
    lines = ["# Regenerate (add --check to only check that it is fresh):"]
    lines += [f"#   {part} \\" for part in parts[:-1]]
    lines.append(f"#   {parts[-1]}")
    return lines


def _wrapped_docstring(text: str, indent: str) -> list[str]:
    """An attribute docstring, wrapped to the line length."""
    width = LINE_LENGTH - len(indent) - 6
    lines = textwrap.wrap(text, width=width, break_on_hyphens=False) or [""]
    if len(lines) == 1:
        return [f'{indent}"""{lines[0]}"""']
    return [f'{indent}"""{lines[0]}', *(f"{indent}{line}" for line in lines[1:]), f'{indent}"""']


def _source(spec: ModuleSpec) -> list[str]:
    if spec.specification is not None:
        definition = json.dumps(spec.specification, indent=1, ensure_ascii=True)
        return [
            f'_DEFINITION_JSON = r"""{definition}"""',
            "",
            "WORKFLOW: Final = WorkflowSource("
            "specification=specification_from_json(_DEFINITION_JSON))",
        ]
    return _exploded(
        "WORKFLOW: Final = WorkflowSource(",
        [
            f"workspace_name={literal(spec.workspace_name)}",
            f"workflow_id={literal(spec.workflow_id)}",
        ],
        ")",
        "",
    )


def _inputs_class(spec: ModuleSpec, name: str) -> list[str]:
    inputs = spec.interface.inputs
    images = [i for i in inputs if i.image]
    parameters = [i for i in inputs if not i.image]
    batch = " (an image input takes one image, or a list for a batch)" if images else ""
    lines = [
        "@attrs.frozen(kw_only=True)",
        f"class {name}:",
        *_wrapped_docstring(f"The inputs of ``{spec.name}``{batch}.", "    "),
        "",
    ]
    for item in inputs:
        kinds = ", ".join(item.kinds)
        lines += [f"    {_input_field(item)}"]
        lines += [*_wrapped_docstring(f"``{item.name}``: {kinds}.", "    "), ""]
    lines += [
        "    def images(self) -> dict[str, WorkflowImage]:",
        '        """The image inputs by name."""',
    ]
    entries = [f"{literal(i.name)}: self.{i.python_name}" for i in images]
    lines += _exploded("return {", entries, "}", "        ")
    lines += [
        "",
        "    def parameters(self) -> dict[str, JsonInput]:",
        '        """The other inputs by name (None is left out: the definition\'s default)."""',
    ]
    entries = [f"{literal(i.name)}: self.{i.python_name}" for i in parameters]
    lines += _exploded("values: dict[str, JsonInput] = {", entries, "}", "        ")
    lines.append(
        "        return {key: value for key, value in values.items() if value is not None}"
    )
    return lines


def _outputs_class(spec: ModuleSpec, name: str) -> list[str]:
    lines = [
        "@attrs.frozen(kw_only=True)",
        f"class {name}:",
        *_wrapped_docstring(
            f"One row of outputs of ``{spec.name}`` (a row per input image).", "    "
        ),
        "",
    ]
    for output in spec.interface.outputs:
        annotation = output_type(output.kinds, output.depth).annotation
        nesting = f", in {output.depth} list(s)" if output.depth else ""
        kinds = ", ".join(output.kinds)
        lines += [f"    {output.python_name}: {annotation}"]
        lines += [*_wrapped_docstring(f"``{output.name}``: {kinds}{nesting}.", "    "), ""]
    lines += [
        "    @classmethod",
        *_exploded(
            "def from_row(",
            ["cls", "row: Mapping[str, object]", 'where: str = "outputs"'],
            f") -> {name}:",
            "    ",
        ),
        '        """Parse one ``outputs`` item; ResponseValidationError names a bad field."""',
    ]
    if spec.interface.outputs:
        lines.append("        return cls(")
        for output in spec.interface.outputs:
            lines += _field_line(output, "            ")
        lines.append("        )")
    else:
        lines.append("        return cls()")
    return lines


def _run_functions(spec: ModuleSpec, inputs: str, outputs: str) -> list[str]:
    signature = ["client: InferenceHTTPClient", "/", "*"]
    signature += [_input_field(i) for i in spec.interface.inputs]
    arguments = [f"{i.python_name}={i.python_name}" for i in spec.interface.inputs]
    lines: list[str] = []
    for prefix, suffix, call in (("", "", "run_inputs"), ("async ", "_async", "run_inputs_async")):
        awaiting = "await " if prefix else ""
        lines += _exploded(f"{prefix}def run{suffix}(", signature, f") -> list[{outputs}]:", "")
        twin = (
            "Async twin of :func:`run`."
            if prefix
            else ("Run the workflow on the server: a row of outputs per input image.")
        )
        lines.append(f'    """{twin}"""')
        lines += [f"    return {awaiting}{call}(", "        client,"]
        lines += _exploded(f"{inputs}(", arguments, "),", "        ")
        lines.append("    )")
        lines += ["", ""]
    for prefix, suffix, helper in (("", "", "run_rows"), ("async ", "_async", "run_rows_async")):
        awaiting = "await " if prefix else ""
        lines += _exploded(
            f"{prefix}def run_inputs{suffix}(",
            ["client: InferenceHTTPClient", f"inputs: {inputs}"],
            f") -> list[{outputs}]:",
            "",
        )
        twin = (
            "Async twin of :func:`run_inputs`."
            if prefix
            else (":func:`run` with the inputs in one object.")
        )
        lines.append(f'    """{twin}"""')
        lines += _exploded(
            f"return {awaiting}{helper}(",
            ["client", "WORKFLOW", "inputs.images()", "inputs.parameters()", f"{outputs}.from_row"],
            ")",
            "    ",
        )
        lines += ["", ""]
    return lines[:-2]


def render(spec: ModuleSpec) -> str:
    """The module's source text."""
    inputs, outputs = f"{spec.class_prefix}Inputs", f"{spec.class_prefix}Outputs"
    record = spec.record
    lines = [
        *_docstring(spec),
        "",
        *_imports(spec),
        "",
        *_command_comment(spec),
        f"GENERATOR_VERSION: Final = {literal(record.generator_version)}",
        f"GENERATED_FROM: Final = {literal(record.source)}",
        f"DEFINITION_SHA256: Final = {literal(record.definition_sha256)}",
        "",
        *_source(spec),
        "",
        "",
        *_inputs_class(spec, inputs),
        "",
        "",
        *_outputs_class(spec, outputs),
        "",
        "",
        *_run_functions(spec, inputs, outputs),
    ]
    return "\n".join(lines) + "\n"
