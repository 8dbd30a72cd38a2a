"""Typed workflows and inference pipelines: ``client.typed.workflows`` and ``.pipelines``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rf_client._ops import pipelines, workflows
from rf_client._ops.pipelines import (
    BufferConsumptionStrategy,
    BufferFillingStrategy,
    PipelineStart,
    PipelineVideoSource,
)
from rf_client._ops.workflows import WorkflowImage, WorkflowRun, parsed_by
from rf_client._typed._base import Namespace

if TYPE_CHECKING:
    from rf_api_v1.models import (
        CommandResponse,
        ConsumePipelineResponse,
        DescribeInterfaceResponse,
        ExecutionEngineVersions,
        InferencePipelineStatusResponse,
        ListPipelinesResponse,
        WorkflowInferenceResponse,
        WorkflowsBlocksDescription,
        WorkflowsBlocksSchemaDescription,
        WorkflowValidationStatus,
    )

    from rf_client._plan import Plan


class WorkflowsNamespace(Namespace):
    """``client.typed.workflows``: run, validate and describe workflows.

    The same requests, checks, retries and errors as ``run_workflow`` and friends; answers are
    the generated models. Outputs of a run stay as the server sent them: image outputs are
    ``{"type": "base64", "value": ...}`` objects, not decoded.
    """

    def _run_plan(
        self,
        workspace_name: str | None,
        workflow_id: str | None,
        specification: Mapping[str, Any] | None,
        images: Mapping[str, WorkflowImage] | None,
        parameters: Mapping[str, Any] | None,
        excluded_fields: Sequence[str] | None,
        use_cache: bool,
        enable_profiling: bool,
        workflow_version_id: str | None,
        disable_sinks: bool,
    ) -> Plan[WorkflowInferenceResponse]:
        from rf_api_v1.models import WorkflowInferenceResponse

        run = WorkflowRun(
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
        return workflows.run_workflow(
            self._client._context(), run, parsed_by(WorkflowInferenceResponse.from_dict)
        )

    def run(
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
    ) -> WorkflowInferenceResponse:
        """Run a workflow: a ``specification``, or ``workspace_name`` and ``workflow_id``.

        Parameters as ``InferenceHTTPClient.run_workflow`` (the profiler trace is also saved
        under ``profiling_directory`` when ``enable_profiling``).

        Returns:
            ``outputs`` (one item per input image; ``item["name"]`` or
            ``item.additional_properties``) and ``profiler_trace``.

        Raises:
            InvalidParameterError: Not exactly one way to name the workflow, or a parameter is
                not JSON (nothing is sent).
            InvalidInputError: An image is unusable (nothing is sent).
            BadRequestError: The workflow does not compile or an input is wrong.
            InternalServerError: A step failed (``error_type``, ``inner_error_*``).
        """
        return self._client._run(
            self._run_plan(
                workspace_name,
                workflow_id,
                specification,
                images,
                parameters,
                excluded_fields,
                use_cache,
                enable_profiling,
                workflow_version_id,
                disable_sinks,
            )
        )

    async def run_async(
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
    ) -> WorkflowInferenceResponse:
        """Async twin of :meth:`run`."""
        return await self._client._arun(
            self._run_plan(
                workspace_name,
                workflow_id,
                specification,
                images,
                parameters,
                excluded_fields,
                use_cache,
                enable_profiling,
                workflow_version_id,
                disable_sinks,
            )
        )

    def _validate_plan(self, specification: Mapping[str, Any]) -> Plan[WorkflowValidationStatus]:
        from rf_api_v1.models import WorkflowValidationStatus

        return workflows.validate_workflow(
            self._client._context(), specification, parsed_by(WorkflowValidationStatus.from_dict)
        )

    def validate(self, specification: Mapping[str, Any]) -> WorkflowValidationStatus:
        """Check that a workflow definition compiles (``POST /workflows/validate``).

        Returns:
            ``status`` ``"ok"`` when it compiles.

        Raises:
            InvalidParameterError: ``specification`` is not a JSON dict (nothing is sent).
            BadRequestError: It does not compile (``error_type`` and message say why).
        """
        return self._client._run(self._validate_plan(specification))

    async def validate_async(self, specification: Mapping[str, Any]) -> WorkflowValidationStatus:
        """Async twin of :meth:`validate`."""
        return await self._client._arun(self._validate_plan(specification))

    def _describe_interface_plan(
        self,
        specification: Mapping[str, Any] | None,
        workspace_name: str | None,
        workflow_id: str | None,
    ) -> Plan[DescribeInterfaceResponse]:
        from rf_api_v1.models import DescribeInterfaceResponse

        return workflows.describe_workflow_interface(
            self._client._context(),
            specification,
            workspace_name,
            workflow_id,
            parsed_by(DescribeInterfaceResponse.from_dict),
        )

    def describe_interface(
        self,
        specification: Mapping[str, Any] | None = None,
        workspace_name: str | None = None,
        workflow_id: str | None = None,
    ) -> DescribeInterfaceResponse:
        """A workflow's inputs and outputs with their kinds (a specification or a saved one).

        Inference 1.8.3 requires an API key here (any string for a specification).

        Returns:
            ``inputs``, ``outputs``, ``typing_hints`` and ``kinds_schemas``.

        Raises:
            InvalidParameterError: Not exactly one way to name the workflow (nothing is sent).
            BadRequestError: The workflow does not compile, or the server wants an API key.
        """
        return self._client._run(
            self._describe_interface_plan(specification, workspace_name, workflow_id)
        )

    async def describe_interface_async(
        self,
        specification: Mapping[str, Any] | None = None,
        workspace_name: str | None = None,
        workflow_id: str | None = None,
    ) -> DescribeInterfaceResponse:
        """Async twin of :meth:`describe_interface`."""
        return await self._client._arun(
            self._describe_interface_plan(specification, workspace_name, workflow_id)
        )

    def _describe_blocks_plan(
        self, dynamic_blocks: Sequence[Mapping[str, Any]] | None
    ) -> Plan[WorkflowsBlocksDescription]:
        from rf_api_v1.models import WorkflowsBlocksDescription

        return workflows.describe_workflow_blocks(
            self._client._context(),
            dynamic_blocks,
            parsed_by(WorkflowsBlocksDescription.from_dict),
        )

    def describe_blocks(
        self, dynamic_blocks: Sequence[Mapping[str, Any]] | None = None
    ) -> WorkflowsBlocksDescription:
        """The blocks workflows can use on this server, with kinds and connections.

        Args:
            dynamic_blocks: Dynamic (custom Python) block definitions to describe as well.

        Raises:
            InvalidParameterError: A dynamic block definition is malformed (nothing is sent).
            BadRequestError: The server cannot compile a dynamic block.
        """
        return self._client._run(self._describe_blocks_plan(dynamic_blocks))

    async def describe_blocks_async(
        self, dynamic_blocks: Sequence[Mapping[str, Any]] | None = None
    ) -> WorkflowsBlocksDescription:
        """Async twin of :meth:`describe_blocks`."""
        return await self._client._arun(self._describe_blocks_plan(dynamic_blocks))

    def _definition_schema_plan(self) -> Plan[WorkflowsBlocksSchemaDescription]:
        from rf_api_v1.models import WorkflowsBlocksSchemaDescription

        return workflows.get_workflow_definition_schema(
            self._client._context(), parsed_by(WorkflowsBlocksSchemaDescription.from_dict)
        )

    def definition_schema(self) -> WorkflowsBlocksSchemaDescription:
        """The JSON schema of workflow definitions (``GET /workflows/definition/schema``)."""
        return self._client._run(self._definition_schema_plan())

    async def definition_schema_async(self) -> WorkflowsBlocksSchemaDescription:
        """Async twin of :meth:`definition_schema`."""
        return await self._client._arun(self._definition_schema_plan())

    def _versions_plan(self) -> Plan[ExecutionEngineVersions]:
        from rf_api_v1.models import ExecutionEngineVersions

        return workflows.get_execution_engine_versions(
            self._client._context(), parsed_by(ExecutionEngineVersions.from_dict)
        )

    def execution_engine_versions(self) -> ExecutionEngineVersions:
        """The Execution Engine versions the server runs, oldest first (``versions``)."""
        return self._client._run(self._versions_plan())

    async def execution_engine_versions_async(self) -> ExecutionEngineVersions:
        """Async twin of :meth:`execution_engine_versions`."""
        return await self._client._arun(self._versions_plan())


class PipelinesNamespace(Namespace):
    """``client.typed.pipelines``: inference pipelines, **experimental** in inference 1.8.3.

    The server runs a workflow on a video source and buffers the results; these calls start,
    steer and read it. Servers without the stream API (``ENABLE_STREAM_API``) answer 404.
    """

    def _start_plan(self, start: PipelineStart) -> Plan[CommandResponse]:
        from rf_api_v1.models import CommandResponse

        return pipelines.start_pipeline(
            self._client._context(), start, parsed_by(CommandResponse.from_dict)
        )

    def start(
        self,
        video_reference: PipelineVideoSource,
        workflow_specification: Mapping[str, Any] | None = None,
        workspace_name: str | None = None,
        workflow_id: str | None = None,
        image_input_name: str = "image",
        workflows_parameters: Mapping[str, Any] | None = None,
        workflows_thread_pool_workers: int = 4,
        cancel_thread_pool_tasks_on_exit: bool = True,
        video_metadata_input_name: str = "video_metadata",
        max_fps: float | None = None,
        source_buffer_filling_strategy: BufferFillingStrategy | None = "DROP_OLDEST",
        source_buffer_consumption_strategy: BufferConsumptionStrategy | None = "EAGER",
        video_source_properties: Mapping[str, float | str] | None = None,
        batch_collection_timeout: float | None = None,
        results_buffer_size: int = 64,
    ) -> CommandResponse:
        """Start a pipeline running a workflow on a video source (experimental).

        Parameters as ``InferenceHTTPClient.start_inference_pipeline_with_workflow``.

        Returns:
            ``status`` and ``context.pipeline_id`` (keep it for the other calls).

        Raises:
            InvalidParameterError: Not exactly one way to name the workflow, or a malformed
                value (nothing is sent).
            NotFoundError: The server does not serve pipelines.
        """
        return self._client._run(
            self._start_plan(
                PipelineStart(
                    video_reference=video_reference,
                    workflow_specification=workflow_specification,
                    workspace_name=workspace_name,
                    workflow_id=workflow_id,
                    image_input_name=image_input_name,
                    workflows_parameters=workflows_parameters,
                    workflows_thread_pool_workers=workflows_thread_pool_workers,
                    cancel_thread_pool_tasks_on_exit=cancel_thread_pool_tasks_on_exit,
                    video_metadata_input_name=video_metadata_input_name,
                    max_fps=max_fps,
                    source_buffer_filling_strategy=source_buffer_filling_strategy,
                    source_buffer_consumption_strategy=source_buffer_consumption_strategy,
                    video_source_properties=video_source_properties,
                    batch_collection_timeout=batch_collection_timeout,
                    results_buffer_size=results_buffer_size,
                )
            )
        )

    async def start_async(
        self,
        video_reference: PipelineVideoSource,
        workflow_specification: Mapping[str, Any] | None = None,
        workspace_name: str | None = None,
        workflow_id: str | None = None,
        image_input_name: str = "image",
        workflows_parameters: Mapping[str, Any] | None = None,
        workflows_thread_pool_workers: int = 4,
        cancel_thread_pool_tasks_on_exit: bool = True,
        video_metadata_input_name: str = "video_metadata",
        max_fps: float | None = None,
        source_buffer_filling_strategy: BufferFillingStrategy | None = "DROP_OLDEST",
        source_buffer_consumption_strategy: BufferConsumptionStrategy | None = "EAGER",
        video_source_properties: Mapping[str, float | str] | None = None,
        batch_collection_timeout: float | None = None,
        results_buffer_size: int = 64,
    ) -> CommandResponse:
        """Async twin of :meth:`start`."""
        return await self._client._arun(
            self._start_plan(
                PipelineStart(
                    video_reference=video_reference,
                    workflow_specification=workflow_specification,
                    workspace_name=workspace_name,
                    workflow_id=workflow_id,
                    image_input_name=image_input_name,
                    workflows_parameters=workflows_parameters,
                    workflows_thread_pool_workers=workflows_thread_pool_workers,
                    cancel_thread_pool_tasks_on_exit=cancel_thread_pool_tasks_on_exit,
                    video_metadata_input_name=video_metadata_input_name,
                    max_fps=max_fps,
                    source_buffer_filling_strategy=source_buffer_filling_strategy,
                    source_buffer_consumption_strategy=source_buffer_consumption_strategy,
                    video_source_properties=video_source_properties,
                    batch_collection_timeout=batch_collection_timeout,
                    results_buffer_size=results_buffer_size,
                )
            )
        )

    def _list_plan(self) -> Plan[ListPipelinesResponse]:
        from rf_api_v1.models import ListPipelinesResponse

        return pipelines.list_pipelines(
            self._client._context(), parsed_by(ListPipelinesResponse.from_dict)
        )

    def list(self) -> ListPipelinesResponse:
        """The ids of the pipelines running on the server (``pipelines``; experimental)."""
        return self._client._run(self._list_plan())

    async def list_async(self) -> ListPipelinesResponse:
        """Async twin of :meth:`list`."""
        return await self._client._arun(self._list_plan())

    def _status_plan(self, pipeline_id: str) -> Plan[InferencePipelineStatusResponse]:
        from rf_api_v1.models import InferencePipelineStatusResponse

        return pipelines.pipeline_status(
            self._client._context(),
            pipeline_id,
            parsed_by(InferencePipelineStatusResponse.from_dict),
        )

    def status(self, pipeline_id: str) -> InferencePipelineStatusResponse:
        """A pipeline's state and its sources' ``report`` (experimental).

        Raises:
            InvalidParameterError: ``pipeline_id`` is empty (nothing is sent).
        """
        return self._client._run(self._status_plan(pipeline_id))

    async def status_async(self, pipeline_id: str) -> InferencePipelineStatusResponse:
        """Async twin of :meth:`status`."""
        return await self._client._arun(self._status_plan(pipeline_id))

    def _command_plan(
        self, command: pipelines.PipelineCommand, pipeline_id: str
    ) -> Plan[CommandResponse]:
        from rf_api_v1.models import CommandResponse

        return pipelines.pipeline_command(
            self._client._context(), command, pipeline_id, parsed_by(CommandResponse.from_dict)
        )

    def pause(self, pipeline_id: str) -> CommandResponse:
        """Pause a running pipeline (experimental).

        Raises:
            InvalidParameterError: ``pipeline_id`` is empty (nothing is sent).
        """
        return self._client._run(self._command_plan("pause", pipeline_id))

    async def pause_async(self, pipeline_id: str) -> CommandResponse:
        """Async twin of :meth:`pause`."""
        return await self._client._arun(self._command_plan("pause", pipeline_id))

    def resume(self, pipeline_id: str) -> CommandResponse:
        """Resume a paused pipeline (experimental).

        Raises:
            InvalidParameterError: ``pipeline_id`` is empty (nothing is sent).
        """
        return self._client._run(self._command_plan("resume", pipeline_id))

    async def resume_async(self, pipeline_id: str) -> CommandResponse:
        """Async twin of :meth:`resume`."""
        return await self._client._arun(self._command_plan("resume", pipeline_id))

    def terminate(self, pipeline_id: str) -> CommandResponse:
        """Stop a pipeline and free its resources (experimental).

        Raises:
            InvalidParameterError: ``pipeline_id`` is empty (nothing is sent).
        """
        return self._client._run(self._command_plan("terminate", pipeline_id))

    async def terminate_async(self, pipeline_id: str) -> CommandResponse:
        """Async twin of :meth:`terminate`."""
        return await self._client._arun(self._command_plan("terminate", pipeline_id))

    def _consume_plan(
        self, pipeline_id: str, excluded_fields: Sequence[str] | None
    ) -> Plan[ConsumePipelineResponse]:
        from rf_api_v1.models import ConsumePipelineResponse

        return pipelines.consume_result(
            self._client._context(),
            pipeline_id,
            excluded_fields,
            parsed_by(ConsumePipelineResponse.from_dict),
        )

    def consume(
        self, pipeline_id: str, excluded_fields: Sequence[str] | None = None
    ) -> ConsumePipelineResponse:
        """The results buffered since the last call: ``outputs`` and ``frames_metadata``.

        Experimental. Image outputs stay as the server sent them (base64 objects).

        Raises:
            InvalidParameterError: ``pipeline_id`` is empty or ``excluded_fields`` is not a
                list of names (nothing is sent).
        """
        return self._client._run(self._consume_plan(pipeline_id, excluded_fields))

    async def consume_async(
        self, pipeline_id: str, excluded_fields: Sequence[str] | None = None
    ) -> ConsumePipelineResponse:
        """Async twin of :meth:`consume`."""
        return await self._client._arun(self._consume_plan(pipeline_id, excluded_fields))
