"""Making a workflow module, and telling whether one is stale (``rf-client generate workflow``).

The module records the SHA-256 of the normalised definition (sorted keys, no spaces) and the
generator's version. A definition read from a file is checked offline, so CI needs no server; a
saved workflow (workspace and id) has no definition on the inference server's API, so its record
is the hash of its ``describe_interface`` inputs and outputs, fetched again by ``--check``.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from rf_client._workflow_codegen import interface
from rf_client._workflow_codegen.render import GENERATOR_VERSION, ModuleSpec, Record, class_prefix
from rf_client._workflow_codegen.render import render as render_module
from rf_client.errors import InvalidParameterError

if TYPE_CHECKING:
    from rf_client.client import InferenceHTTPClient


@attrs.frozen
class Target:
    """What to generate from: a definition file, or a saved workflow's workspace and id."""

    specification_path: Path | None = None
    workspace_name: str | None = None
    workflow_id: str | None = None

    @property
    def source(self) -> str:
        """How the module names its source (``spec:<path>`` or ``saved:<workspace>/<id>``)."""
        if self.specification_path is not None:
            return f"spec:{self.specification_path.as_posix()}"
        return f"saved:{self.workspace_name}/{self.workflow_id}"

    @property
    def default_name(self) -> str:
        """The workflow's name when none is given: the file's stem, or the workflow id."""
        if self.specification_path is not None:
            return self.specification_path.stem
        return str(self.workflow_id)


def definition_sha256(value: object) -> str:
    """The SHA-256 of a JSON value, normalised (key order and spacing do not count)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_specification(path: Path) -> dict[str, Any]:
    """A workflow definition file's JSON object.

    Raises:
        InvalidParameterError: It cannot be read, is not JSON, or not an object.
    """
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InvalidParameterError(
            f"cannot read the workflow definition {str(path)!r} ({error.strerror or error})."
        ) from None
    except ValueError as error:
        raise InvalidParameterError(
            f"the workflow definition {str(path)!r} is not JSON ({error})."
        ) from None
    if not isinstance(loaded, dict):
        raise InvalidParameterError(
            f"the workflow definition {str(path)!r} is a JSON {type(loaded).__name__}, not an "
            'object ({"version": ..., "inputs": [...], "steps": [...], "outputs": [...]}).'
        )
    return loaded


def _interface_hash(described: dict[str, Any]) -> str:
    return definition_sha256({key: described.get(key) for key in ("inputs", "outputs")})


def expected_record(target: Target, client: InferenceHTTPClient | None) -> Record:
    """The record a fresh module has now (a saved workflow needs ``client``)."""
    if target.specification_path is not None:
        digest = definition_sha256(read_specification(target.specification_path))
        return Record(source=target.source, definition_sha256=digest)
    if client is None:
        raise InvalidParameterError("a saved workflow is described by a server: give --api-url.")
    described = client.describe_workflow_interface(
        workspace_name=target.workspace_name, workflow_id=target.workflow_id
    )
    return Record(source=target.source, definition_sha256=_interface_hash(described))


_RECORDED = re.compile(r'^(GENERATOR_VERSION|GENERATED_FROM|DEFINITION_SHA256): Final = "([^"]*)"$')


def recorded(module_text: str) -> Record | None:
    """The record of a generated module's text (None when it has none)."""
    found: dict[str, str] = {}
    for line in module_text.splitlines():
        match = _RECORDED.match(line)
        if match is not None:
            found[match.group(1)] = match.group(2)
    if not {"GENERATOR_VERSION", "GENERATED_FROM", "DEFINITION_SHA256"} <= set(found):
        return None
    return Record(
        source=found["GENERATED_FROM"],
        definition_sha256=found["DEFINITION_SHA256"],
        generator_version=found["GENERATOR_VERSION"],
    )


def staleness(module_text: str, expected: Record) -> str | None:
    """Why the module is stale against ``expected`` (None when it is fresh)."""
    found = recorded(module_text)
    if found is None:
        return "it is not a module written by rf-client generate workflow (no record found)"
    if found.generator_version != GENERATOR_VERSION:
        return (
            f"it was written by generator version {found.generator_version}, this is "
            f"{GENERATOR_VERSION}"
        )
    if found.definition_sha256 != expected.definition_sha256:
        return f"the definition changed since it was generated from {found.source}"
    return None


def generate(
    target: Target,
    client: InferenceHTTPClient,
    *,
    command: str,
    name: str | None = None,
    prefix: str | None = None,
) -> str:
    """The module's text: the server describes the kinds (and, for a definition, its blocks).

    Raises:
        InvalidParameterError: The definition cannot be read, or the server's answer is not a
            workflow description.
        RFClientError: The server refused (a definition that does not compile: BadRequestError).
    """
    workflow_name = name or target.default_name
    if target.specification_path is not None:
        definition = read_specification(target.specification_path)
        described = client.describe_workflow_interface(specification=definition)
        blocks = client.describe_workflow_blocks()
        found = interface.from_definition(definition, described, blocks)
        return render_module(
            ModuleSpec(
                name=workflow_name,
                class_prefix=prefix or class_prefix(workflow_name),
                interface=found,
                record=Record(
                    source=target.source, definition_sha256=definition_sha256(definition)
                ),
                command=command,
                specification=definition,
            )
        )
    described = client.describe_workflow_interface(
        workspace_name=target.workspace_name, workflow_id=target.workflow_id
    )
    return render_module(
        ModuleSpec(
            name=workflow_name,
            class_prefix=prefix or class_prefix(workflow_name),
            interface=interface.from_description(described),
            record=Record(source=target.source, definition_sha256=_interface_hash(described)),
            command=command,
            workspace_name=target.workspace_name,
            workflow_id=target.workflow_id,
        )
    )
