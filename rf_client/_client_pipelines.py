"""Inference pipelines: start, list, status, pause, resume, terminate, consume (experimental)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rf_client._base_client import BaseClient
from rf_client._ops import pipelines
from rf_client._ops.pipelines import (
    BufferConsumptionStrategy,
    BufferFillingStrategy,
    PipelineStart,
    PipelineVideoSource,
)
from rf_client._ops.workflows import json_object


class PipelinesMixin(BaseClient):
    """Inference pipelines: the server runs a workflow on a video source; the client steers it.

    **Experimental** in inference 1.8.3 ("under development, breaking changes are possible"),
    and only on servers started with ``ENABLE_STREAM_API=True`` (others answer 404).
    """

    def start_inference_pipeline_with_workflow(
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
    ) -> dict[str, Any]:
        """Start a pipeline that runs a workflow on a video source (experimental).

        ``POST /inference_pipelines/initialise``. The server opens the source itself, so
        paths and camera indexes are the server's. Results are buffered on the server;
        fetch them with :meth:`consume_inference_pipeline_result`.

        Args:
            video_reference: A video file path or URL, a stream URL (RTSP, ...), a camera index,
                or a list of them (processed together, in batches).
            workflow_specification: The workflow's JSON definition; or give
                ``workspace_name`` and ``workflow_id`` of a workflow saved on the platform.
            workspace_name: The workspace of a saved workflow.
            workflow_id: The id of a saved workflow.
            image_input_name: The workflow input that receives the frames.
            workflows_parameters: Values of the workflow's other inputs.
            workflows_thread_pool_workers: Threads running workflow steps.
            cancel_thread_pool_tasks_on_exit: Cancel queued step tasks when the pipeline ends.
            video_metadata_input_name: The workflow input that receives the frame metadata.
            max_fps: Process at most this many frames per second (None: as they come).
            source_buffer_filling_strategy: What a full frame buffer does: ``"WAIT"``,
                ``"DROP_OLDEST"``, ``"ADAPTIVE_DROP_OLDEST"``, ``"DROP_LATEST"`` or
                ``"ADAPTIVE_DROP_LATEST"``.
            source_buffer_consumption_strategy: ``"LAZY"`` or ``"EAGER"``.
            video_source_properties: Capture properties (e.g. ``{"frame_width": 1280}``).
            batch_collection_timeout: Seconds to wait for frames from every source of a batch.
            results_buffer_size: Results the server keeps before dropping the oldest.

        Returns:
            ``{"status": ..., "context": {"request_id": ..., "pipeline_id": ...}}``; keep
            ``context.pipeline_id`` for the other pipeline calls.

        Raises:
            InvalidParameterError: Not exactly one of ``workflow_specification`` or
                (``workspace_name`` and ``workflow_id``), or a malformed value (nothing is
                sent).
            NotFoundError: The server does not serve pipelines (stream API disabled).
            APIStatusError: The server refused; APIConnectionError when there is no answer.
        """
        return self._run(
            pipelines.start_pipeline(
                self._context(),
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
                ),
                json_object,
            )
        )

    async def start_inference_pipeline_with_workflow_async(
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
    ) -> dict[str, Any]:
        """Async twin of :meth:`start_inference_pipeline_with_workflow` (experimental)."""
        return await self._arun(
            pipelines.start_pipeline(
                self._context(),
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
                ),
                json_object,
            )
        )

    def list_inference_pipelines(self) -> dict[str, Any]:
        """The pipelines running on the server (experimental; ``GET /inference_pipelines/list``).

        Returns:
            ``{"status": ..., "context": {...}, "pipelines": ["<pipeline id>", ...]}``.

        Raises:
            NotFoundError: The server does not serve pipelines (stream API disabled).
        """
        return self._run(pipelines.list_pipelines(self._context(), json_object))

    async def list_inference_pipelines_async(self) -> dict[str, Any]:
        """Async twin of :meth:`list_inference_pipelines` (experimental)."""
        return await self._arun(pipelines.list_pipelines(self._context(), json_object))

    def get_inference_pipeline_status(self, pipeline_id: str) -> dict[str, Any]:
        """A pipeline's state and its sources' report (experimental; ``GET .../status``).

        Raises:
            InvalidParameterError: ``pipeline_id`` is empty (nothing is sent).
            APIStatusError: The server does not know the pipeline, or refused.
        """
        return self._run(pipelines.pipeline_status(self._context(), pipeline_id, json_object))

    async def get_inference_pipeline_status_async(self, pipeline_id: str) -> dict[str, Any]:
        """Async twin of :meth:`get_inference_pipeline_status` (experimental)."""
        return await self._arun(
            pipelines.pipeline_status(self._context(), pipeline_id, json_object)
        )

    def pause_inference_pipeline(self, pipeline_id: str) -> dict[str, Any]:
        """Pause a running pipeline (experimental; ``POST .../pause``).

        Returns:
            ``{"status": ..., "context": {"request_id": ..., "pipeline_id": ...}}``.

        Raises:
            InvalidParameterError: ``pipeline_id`` is empty (nothing is sent).
            APIStatusError: The server does not know the pipeline, or refused.
        """
        return self._run(
            pipelines.pipeline_command(self._context(), "pause", pipeline_id, json_object)
        )

    async def pause_inference_pipeline_async(self, pipeline_id: str) -> dict[str, Any]:
        """Async twin of :meth:`pause_inference_pipeline` (experimental)."""
        return await self._arun(
            pipelines.pipeline_command(self._context(), "pause", pipeline_id, json_object)
        )

    def resume_inference_pipeline(self, pipeline_id: str) -> dict[str, Any]:
        """Resume a paused pipeline (experimental; ``POST .../resume``).

        Returns:
            ``{"status": ..., "context": {"request_id": ..., "pipeline_id": ...}}``.

        Raises:
            InvalidParameterError: ``pipeline_id`` is empty (nothing is sent).
            APIStatusError: The server does not know the pipeline, or refused.
        """
        return self._run(
            pipelines.pipeline_command(self._context(), "resume", pipeline_id, json_object)
        )

    async def resume_inference_pipeline_async(self, pipeline_id: str) -> dict[str, Any]:
        """Async twin of :meth:`resume_inference_pipeline` (experimental)."""
        return await self._arun(
            pipelines.pipeline_command(self._context(), "resume", pipeline_id, json_object)
        )

    def terminate_inference_pipeline(self, pipeline_id: str) -> dict[str, Any]:
        """Stop a pipeline and free its resources (experimental; ``POST .../terminate``).

        Returns:
            ``{"status": ..., "context": {"request_id": ..., "pipeline_id": ...}}``.

        Raises:
            InvalidParameterError: ``pipeline_id`` is empty (nothing is sent).
            APIStatusError: The server does not know the pipeline, or refused.
        """
        return self._run(
            pipelines.pipeline_command(self._context(), "terminate", pipeline_id, json_object)
        )

    async def terminate_inference_pipeline_async(self, pipeline_id: str) -> dict[str, Any]:
        """Async twin of :meth:`terminate_inference_pipeline` (experimental)."""
        return await self._arun(
            pipelines.pipeline_command(self._context(), "terminate", pipeline_id, json_object)
        )

    def consume_inference_pipeline_result(
        self, pipeline_id: str, excluded_fields: Sequence[str] | None = None
    ) -> dict[str, Any]:
        """The results a pipeline buffered since the last call (experimental).

        ``GET /inference_pipelines/{pipeline_id}/consume``. Workflow image outputs are
        returned as the server sends them (base64 objects).

        Args:
            pipeline_id: The id ``start_inference_pipeline_with_workflow`` answered.
            excluded_fields: Workflow outputs to leave out of the results.

        Returns:
            ``{"status": ..., "context": {...}, "outputs": [...], "frames_metadata": [...]}``:
            one outputs entry and one frame metadata entry per source.

        Raises:
            InvalidParameterError: ``pipeline_id`` is empty or ``excluded_fields`` is not a
                list of names (nothing is sent).
            APIStatusError: The server does not know the pipeline, or refused.
        """
        return self._run(
            pipelines.consume_result(self._context(), pipeline_id, excluded_fields, json_object)
        )

    async def consume_inference_pipeline_result_async(
        self, pipeline_id: str, excluded_fields: Sequence[str] | None = None
    ) -> dict[str, Any]:
        """Async twin of :meth:`consume_inference_pipeline_result` (experimental)."""
        return await self._arun(
            pipelines.consume_result(self._context(), pipeline_id, excluded_fields, json_object)
        )
