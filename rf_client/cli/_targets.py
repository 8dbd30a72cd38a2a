"""What ``rf-client infer`` runs on each input: a platform model or a workflow."""

from __future__ import annotations

import argparse
import dataclasses
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rf_client.cli._common import UsageError
from rf_client.client import InferenceHTTPClient


@dataclasses.dataclass(frozen=True)
class ModelTarget:
    """A model trained on the platform (``--model-id``)."""

    model_id: str


@dataclasses.dataclass(frozen=True)
class WorkflowTarget:
    """A workflow: a specification, or one saved on the platform (workspace and id).

    Attributes:
        specification: The workflow definition (``--workflow-spec``), or None.
        workspace_name: The workspace of a saved workflow (``--workspace``), or None.
        workflow_id: The id of a saved workflow (``--workflow-id``), or None.
        image_input: The workflow input each command-line image goes to (``--image-input``).
        images: Other image inputs, the same for every run (``--image NAME=SOURCE``).
        parameters: Other inputs (``--param NAME=VALUE``).
        excluded_fields: Outputs the server leaves out (``--excluded-fields``).
    """

    specification: Mapping[str, Any] | None
    workspace_name: str | None
    workflow_id: str | None
    image_input: str
    images: Mapping[str, str]
    parameters: Mapping[str, Any]
    excluded_fields: Sequence[str] | None

    def run(self, client: InferenceHTTPClient, image: object | None) -> object:
        """Run the workflow with ``image`` as its image input (None: no per-item image).

        Returns the outputs dict of the run (the list of them if the workflow gave several).

        Raises:
            RFClientError: The run failed.
        """
        images: dict[str, Any] = dict(self.images)
        if image is not None:
            images[self.image_input] = image
        outputs = client.run_workflow(
            workspace_name=self.workspace_name,
            workflow_id=self.workflow_id,
            specification=self.specification,
            images=images,
            parameters=dict(self.parameters),
            excluded_fields=list(self.excluded_fields) if self.excluded_fields else None,
        )
        return outputs[0] if len(outputs) == 1 else outputs


Target = ModelTarget | WorkflowTarget


def name_value(text: str) -> tuple[str, str]:
    """``"name=value"`` as ``(name, value)``; for ``--param`` and ``--image``."""
    name, separator, value = text.partition("=")
    if not separator or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, not {text!r}")
    return name.strip(), value


def parameter_value(text: str) -> Any:
    """A ``--param`` value: JSON when it parses (``0.5``, ``true``, ``["a"]``), else the text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def read_specification(path: str) -> dict[str, Any]:
    """The workflow definition in a JSON file (bare, or wrapped as ``{"specification": ...}``).

    Raises:
        UsageError: The file can not be read or holds no workflow definition.
    """
    try:
        data = json.loads(Path(path).expanduser().read_text(encoding="utf-8"))
    except OSError as error:
        raise UsageError(f"--workflow-spec: cannot read {path!r}: {error.strerror}.") from None
    except ValueError as error:
        raise UsageError(f"--workflow-spec: {path!r} is not JSON: {error}.") from None
    if (
        isinstance(data, dict)
        and "steps" not in data
        and isinstance(data.get("specification"), dict)
    ):
        data = data["specification"]
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        raise UsageError(
            f"--workflow-spec: {path!r} is not a workflow definition (a JSON object with "
            '"version", "inputs", "steps" and "outputs").'
        )
    return data


def target_from_args(args: argparse.Namespace) -> Target:
    """The model or workflow a parsed ``infer`` command line names.

    Raises:
        UsageError: None or more than one of model, specification, saved workflow is given,
            or workflow options come without a workflow.
    """
    saved = args.workspace is not None or args.workflow_id is not None
    chosen = [
        name
        for name, given in (
            ("--model-id", args.model_id is not None),
            ("--workflow-spec", args.workflow_spec is not None),
            ("--workspace/--workflow-id", saved),
        )
        if given
    ]
    if len(chosen) != 1:
        raise UsageError(
            "give exactly one of --model-id, --workflow-spec, or --workspace with "
            f"--workflow-id (got {', '.join(chosen) or 'none'})."
        )
    if args.model_id is not None:
        workflow_options = [
            option
            for option, given in (
                ("--param", args.param),
                ("--image", args.image),
                ("--excluded-fields", args.excluded_fields),
            )
            if given
        ]
        if workflow_options:
            raise UsageError(f"{', '.join(workflow_options)} only apply to workflows.")
        return ModelTarget(args.model_id)
    if saved and (args.workspace is None or args.workflow_id is None):
        raise UsageError("a saved workflow needs both --workspace and --workflow-id.")
    return WorkflowTarget(
        specification=read_specification(args.workflow_spec) if args.workflow_spec else None,
        workspace_name=args.workspace,
        workflow_id=args.workflow_id,
        image_input=args.image_input,
        images=dict(args.image or []),
        parameters={name: parameter_value(value) for name, value in args.param or []},
        excluded_fields=args.excluded_fields,
    )
