"""Workflows: run, validate and describe them (the documented API, returning dicts)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rf_client._base_client import BaseClient
from rf_client._ops import workflows
from rf_client._ops.workflows import WorkflowImage, WorkflowRun, json_object
from rf_client.errors import InvalidParameterError, RFClientDeprecationWarning

if TYPE_CHECKING:
    from rf_client._plan import Plan

WorkflowOutputs = list[dict[str, Any]]
"""One dict of outputs per input image (one when no input is a batch)."""


def _warn_infer_from_workflow() -> None:
    # stacklevel 3: the warning points at the caller of infer_from_workflow(_async).
    warnings.warn(
        "infer_from_workflow() is deprecated: it uses the legacy /infer/workflows routes; "
        "call run_workflow() (same parameters, workflow_name= becomes workflow_id=).",
        RFClientDeprecationWarning,
        stacklevel=3,
    )


def _legacy_run(
    *,
    workspace_name: str | None,
    workflow_name: str | None,
    workflow_id: str | None,
    specification: Mapping[str, Any] | None,
    images: Mapping[str, WorkflowImage] | None,
    parameters: Mapping[str, Any] | None,
    excluded_fields: Sequence[str] | None,
    use_cache: bool,
    enable_profiling: bool,
    workflow_version_id: str | None,
    disable_sinks: bool,
) -> WorkflowRun:
    """infer_from_workflow's arguments as a run on the legacy routes (id: either name)."""
    if workflow_name is not None and workflow_id is not None and workflow_name != workflow_id:
        raise InvalidParameterError(
            "give the saved workflow's id once: workflow_name (its 1.8.3 name) or workflow_id."
        )
    return WorkflowRun(
        workspace_name=workspace_name,
        workflow_id=workflow_id if workflow_id is not None else workflow_name,
        specification=specification,
        images=images,
        parameters=parameters,
        excluded_fields=excluded_fields,
        use_cache=use_cache,
        enable_profiling=enable_profiling,
        workflow_version_id=workflow_version_id,
        disable_sinks=disable_sinks,
        legacy_endpoints=True,
        workflow_id_name="workflow_id" if workflow_id is not None else "workflow_name",
    )


class WorkflowsMixin(BaseClient):
    """Workflows: run one (a specification or one saved on the platform), validate, describe."""

    def run_workflow(
        self,
        workspace_name: str | None = None,
        workflow_id: str | None = None,
        specification: Mapping[str, Any] | None = None,
        images: Mapping[str, WorkflowImage] | None = None,
        parameters: Mapping[str, Any] | None = None,
        excluded_fields: Sequence[str] | None = None,
        use_cache: bool = True,
        enable_profiling: bool = False,
        workflow_version_id: str | None = None,
        disable_sinks: bool = False,
    ) -> WorkflowOutputs:
        """Run a workflow on the server and return its outputs.

        Give either ``specification`` (the workflow's JSON definition; ``POST /workflows/run``)
        or ``workspace_name`` and ``workflow_id`` (a workflow saved on the Roboflow platform;
        ``POST /{workspace_name}/workflows/{workflow_id}``). ``images`` and ``parameters``
        together make the workflow's inputs. Image outputs come back in the configuration's
        ``output_visualisation_format`` (base64 text, a BGR numpy array or a PIL image).

        Args:
            workspace_name: The workspace of a saved workflow (as in the platform's URLs).
            workflow_id: The id of a saved workflow.
            specification: A workflow definition (``{"version": "1.0", "inputs": [...],
                "steps": [...], "outputs": [...]}``).
            images: Image inputs by name; a value is one image (path, URL, bytes, BGR numpy
                array, PIL image, base64, data URI) or a list of images (a batch: one
                outputs dict per image; lists may nest). Sent at their own size.
            parameters: Other inputs by name (JSON values); they win over an image input of
                the same name.
            excluded_fields: Outputs the server should leave out of the answer.
            use_cache: Let the server use its cached copy of a saved workflow's definition
                (15 minutes); False fetches the newest version.
            enable_profiling: Ask for a profiler trace, saved as JSON under the configuration's
                ``profiling_directory`` (load it in chrome://tracing). The server must allow
                profiling; otherwise the trace is empty.
            workflow_version_id: A specific version of a saved workflow (latest when None).
            disable_sinks: Run without sink writes and outbound notifications or uploads.

        Returns:
            One dict of outputs (output name -> value) per input image, in order; a single
            dict in a list when no input is a batch.

        Raises:
            InvalidParameterError: Not exactly one of ``specification`` or (``workspace_name``
                and ``workflow_id``), a parameter that is not JSON, or the profiler trace
                cannot be written (nothing is sent for the first two).
            InvalidInputError: An image is unusable (nothing is sent); the message names the
                input, e.g. ``images['image'][2]``.
            BadRequestError: The workflow does not compile or an input is missing or wrong
                (``error_type`` such as ``WorkflowSyntaxError`` or ``RuntimeInputError``).
            InternalServerError: A step failed (``error_type`` ``StepExecutionError``,
                ``inner_error_type`` and ``inner_error_message`` say why; ``error.body``
                holds ``blocks_errors``).
            APIStatusError: Any other error answer; APIConnectionError when there is none.
                Transient failures are retried unless ``workflow_run_retries_enabled`` is
                False.
        """
        return self._run(
            self._run_workflow_plan(
                WorkflowRun(
                    workspace_name=workspace_name,
                    workflow_id=workflow_id,
                    specification=specification,
                    images=images,
                    parameters=parameters,
                    excluded_fields=excluded_fields,
                    use_cache=use_cache,
                    enable_profiling=enable_profiling,
                    workflow_version_id=workflow_version_id,
                    disable_sinks=disable_sinks,
                )
            )
        )

    async def run_workflow_async(
        self,
        workspace_name: str | None = None,
        workflow_id: str | None = None,
        specification: Mapping[str, Any] | None = None,
        images: Mapping[str, WorkflowImage] | None = None,
        parameters: Mapping[str, Any] | None = None,
        excluded_fields: Sequence[str] | None = None,
        use_cache: bool = True,
        enable_profiling: bool = False,
        workflow_version_id: str | None = None,
        disable_sinks: bool = False,
    ) -> WorkflowOutputs:
        """Async twin of :meth:`run_workflow`."""
        return await self._arun(
            self._run_workflow_plan(
                WorkflowRun(
                    workspace_name=workspace_name,
                    workflow_id=workflow_id,
                    specification=specification,
                    images=images,
                    parameters=parameters,
                    excluded_fields=excluded_fields,
                    use_cache=use_cache,
                    enable_profiling=enable_profiling,
                    workflow_version_id=workflow_version_id,
                    disable_sinks=disable_sinks,
                )
            )
        )

    def infer_from_workflow(
        self,
        workspace_name: str | None = None,
        workflow_name: str | None = None,
        specification: Mapping[str, Any] | None = None,
        images: Mapping[str, WorkflowImage] | None = None,
        parameters: Mapping[str, Any] | None = None,
        excluded_fields: Sequence[str] | None = None,
        use_cache: bool = True,
        enable_profiling: bool = False,
        workflow_version_id: str | None = None,
        disable_sinks: bool = False,
        *,
        workflow_id: str | None = None,
    ) -> WorkflowOutputs:
        """Deprecated: :meth:`run_workflow` through the legacy routes of servers before 0.9.21.

        Sends to ``POST /infer/workflows`` (specification) or
        ``POST /infer/workflows/{workspace_name}/{workflow_id}`` (saved workflow) and emits an
        :class:`RFClientDeprecationWarning`. Parameters, result and errors are those of
        :meth:`run_workflow`; the saved workflow's id is ``workflow_name`` (its 1.8.3 name)
        or, as in ``run_workflow``, ``workflow_id=``.

        Raises:
            InvalidParameterError: ``workflow_name`` and ``workflow_id`` both given, or any
                reason :meth:`run_workflow` gives.
        """
        _warn_infer_from_workflow()
        run = _legacy_run(
            workspace_name=workspace_name,
            workflow_name=workflow_name,
            workflow_id=workflow_id,
            specification=specification,
            images=images,
            parameters=parameters,
            excluded_fields=excluded_fields,
            use_cache=use_cache,
            enable_profiling=enable_profiling,
            workflow_version_id=workflow_version_id,
            disable_sinks=disable_sinks,
        )
        return self._run(self._run_workflow_plan(run))

    async def infer_from_workflow_async(
        self,
        workspace_name: str | None = None,
        workflow_name: str | None = None,
        specification: Mapping[str, Any] | None = None,
        images: Mapping[str, WorkflowImage] | None = None,
        parameters: Mapping[str, Any] | None = None,
        excluded_fields: Sequence[str] | None = None,
        use_cache: bool = True,
        enable_profiling: bool = False,
        workflow_version_id: str | None = None,
        disable_sinks: bool = False,
        *,
        workflow_id: str | None = None,
    ) -> WorkflowOutputs:
        """Async twin of :meth:`infer_from_workflow` (deprecated: use :meth:`run_workflow_async`).

        Raises:
            InvalidParameterError: As :meth:`infer_from_workflow`.
        """
        _warn_infer_from_workflow()
        run = _legacy_run(
            workspace_name=workspace_name,
            workflow_name=workflow_name,
            workflow_id=workflow_id,
            specification=specification,
            images=images,
            parameters=parameters,
            excluded_fields=excluded_fields,
            use_cache=use_cache,
            enable_profiling=enable_profiling,
            workflow_version_id=workflow_version_id,
            disable_sinks=disable_sinks,
        )
        return await self._arun(self._run_workflow_plan(run))

    def _run_workflow_plan(self, run: WorkflowRun) -> Plan[WorkflowOutputs]:
        context = self._context()
        return workflows.run_workflow(context, run, workflows.decoded_outputs(context))

    # Beyond inference-sdk 1.8.3: validating and describing workflows.

    def validate_workflow(self, specification: Mapping[str, Any]) -> dict[str, Any]:
        """Check that a workflow definition compiles, without running it.

        ``POST /workflows/validate``.

        Returns:
            ``{"status": "ok"}`` when it compiles.

        Raises:
            InvalidParameterError: ``specification`` is not a JSON dict (nothing is sent).
            BadRequestError: It does not compile; ``error_type`` (``WorkflowSyntaxError``,
                ``InvalidReferenceTargetError``, ``ReferenceTypeError``, ...), the message and
                ``error.body["blocks_errors"]`` say where.
        """
        return self._run(workflows.validate_workflow(self._context(), specification, json_object))

    async def validate_workflow_async(self, specification: Mapping[str, Any]) -> dict[str, Any]:
        """Async twin of :meth:`validate_workflow`."""
        return await self._arun(
            workflows.validate_workflow(self._context(), specification, json_object)
        )

    def describe_workflow_interface(
        self,
        specification: Mapping[str, Any] | None = None,
        workspace_name: str | None = None,
        workflow_id: str | None = None,
    ) -> dict[str, Any]:
        """The inputs a workflow takes and the outputs it gives, with their kinds.

        Give either ``specification`` (``POST /workflows/describe_interface``) or
        ``workspace_name`` and ``workflow_id`` (a saved workflow). Inference 1.8.3 requires an
        API key on these routes (any string will do for a specification).

        Returns:
            ``inputs`` (name -> kinds), ``outputs`` (name -> kinds), ``typing_hints`` and
            ``kinds_schemas``.

        Raises:
            InvalidParameterError: Not exactly one of the two ways (nothing is sent).
            BadRequestError: The workflow does not compile, or the server wants an API key.
        """
        return self._run(
            workflows.describe_workflow_interface(
                self._context(), specification, workspace_name, workflow_id, json_object
            )
        )

    async def describe_workflow_interface_async(
        self,
        specification: Mapping[str, Any] | None = None,
        workspace_name: str | None = None,
        workflow_id: str | None = None,
    ) -> dict[str, Any]:
        """Async twin of :meth:`describe_workflow_interface`."""
        return await self._arun(
            workflows.describe_workflow_interface(
                self._context(), specification, workspace_name, workflow_id, json_object
            )
        )

    def describe_workflow_blocks(
        self, dynamic_blocks: Sequence[Mapping[str, Any]] | None = None
    ) -> dict[str, Any]:
        """The blocks workflows can use on this server, their kinds and possible connections.

        ``GET /workflows/blocks/describe``; with ``dynamic_blocks`` a ``POST`` that also
        describes those custom Python blocks.

        Args:
            dynamic_blocks: Dynamic block definitions (``{"type": "DynamicBlockDefinition",
                "manifest": {...}, "code": {...}}``).

        Returns:
            ``blocks``, ``declared_kinds``, ``kinds_connections``, ``primitives_connections``,
            ``universal_query_language_description`` and ``dynamic_block_definition_schema``.

        Raises:
            InvalidParameterError: A dynamic block definition is malformed (nothing is sent).
            BadRequestError: The server cannot compile a dynamic block.
        """
        return self._run(
            workflows.describe_workflow_blocks(self._context(), dynamic_blocks, json_object)
        )

    async def describe_workflow_blocks_async(
        self, dynamic_blocks: Sequence[Mapping[str, Any]] | None = None
    ) -> dict[str, Any]:
        """Async twin of :meth:`describe_workflow_blocks`."""
        return await self._arun(
            workflows.describe_workflow_blocks(self._context(), dynamic_blocks, json_object)
        )

    def get_workflow_definition_schema(self) -> dict[str, Any]:
        """The JSON schema of workflow definitions (``GET /workflows/definition/schema``).

        Returns:
            ``{"schema": {...}}``, usable to validate definitions or drive an editor.
        """
        return self._run(workflows.get_workflow_definition_schema(self._context(), json_object))

    async def get_workflow_definition_schema_async(self) -> dict[str, Any]:
        """Async twin of :meth:`get_workflow_definition_schema`."""
        return await self._arun(
            workflows.get_workflow_definition_schema(self._context(), json_object)
        )

    def get_workflow_execution_engine_versions(self) -> dict[str, Any]:
        """The Execution Engine versions the server runs (``GET
        /workflows/execution_engine/versions``).

        Returns:
            ``{"versions": ["1.17.0", ...]}``, oldest first.
        """
        return self._run(workflows.get_execution_engine_versions(self._context(), json_object))

    async def get_workflow_execution_engine_versions_async(self) -> dict[str, Any]:
        """Async twin of :meth:`get_workflow_execution_engine_versions`."""
        return await self._arun(
            workflows.get_execution_engine_versions(self._context(), json_object)
        )
