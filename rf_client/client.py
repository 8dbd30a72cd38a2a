"""``InferenceHTTPClient``: the documented API of inference-sdk, typed, on generated bindings."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

from rf_client._client_core_models import CoreModelsMixin
from rf_client._client_models import ModelsMixin
from rf_client._client_pipelines import PipelinesMixin
from rf_client._client_streams import StreamsMixin
from rf_client._client_workflows import WorkflowsMixin
from rf_client.errors import MissingDependencyError

if TYPE_CHECKING:
    from rf_client._typed import TypedAPI


class InferenceHTTPClient(
    ModelsMixin, CoreModelsMixin, WorkflowsMixin, PipelinesMixin, StreamsMixin
):
    """HTTP client for Roboflow-compatible inference servers.

    Talks to the hosted API (v0: detect/outline/classify/infer/serverless.roboflow.com and
    friends) or a self-hosted ``inference`` server (v1, e.g. ``http://localhost:9001``); the
    mode follows from ``api_url`` and can be changed with ``select_api_v0/v1``::

        from rf_client import InferenceHTTPClient

        client = InferenceHTTPClient(api_url="http://localhost:9001", api_key="...")
        result = client.infer("photo.jpg", model_id="project/3")

    Every request has a timeout (``timeout=``, default 10 s to connect and 120 s to read;
    ``None`` for none) and transient failures are retried (``max_retries=``, default 2).
    The API key never appears in messages, logs or reprs.

    Several servers (all self-hosted, or all the hosted API) make one client that spreads its
    requests over them (``api_url=["http://10.0.0.1:9001", "http://10.0.0.2:9001"]``): each
    request goes to the healthy server with the fewest requests in flight, one that fails is
    taken out of rotation and its request re-sent on another (README, "Many servers").

    Args:
        api_url: The server's base URL, or a list (any sequence) of several servers' URLs.
        api_key: Your Roboflow API key, if the server needs one.
        timeout: Seconds, an ``httpx.Timeout``, or None for no timeout.
        max_retries: Retries of a failed request (connection errors, timeouts, 408, 429, 5xx).
        url_image_policy: How images given as URLs are downloaded (timeout, size cap,
            redirects); ``URLImagePolicy(allow_private_addresses=False)`` refuses private,
            loopback and link-local hosts.
        retry_policy: The backoff between retries (base delay, cap, jitter, the longest
            ``Retry-After`` honoured).
    """

    @classmethod
    def init(cls, api_url: str | Sequence[str], api_key: str | None = None) -> InferenceHTTPClient:
        """A new client (the same as calling the class); ``api_url`` may list several servers."""
        return cls(api_url=api_url, api_key=api_key)

    @functools.cached_property
    def typed(self) -> TypedAPI:
        """The typed API on this client: the same calls, returning generated attrs models.

        ``client.typed.infer.object_detection("photo.jpg", model_id="project/3")`` returns an
        ``ObjectDetectionInferenceResponse`` whose predictions have float ``x``, ``y``, ...
        """
        # Imported on first use: the typed API's modules cost about 10 ms of import.
        from rf_client._typed import TypedAPI

        return TypedAPI(self)

    @property
    def webrtc(self) -> NoReturn:
        """Not implemented: rf-client has no WebRTC streaming; reading it always raises.

        inference-sdk 1.8.3's ``client.webrtc`` streams video to the server over WebRTC
        (through aiortc). rf-client does not implement it; the message says what to use.

        Raises:
            MissingDependencyError: Always: use ``infer_on_stream()`` (a model on every frame
                of a video file, camera or stream URL, over HTTP), an inference pipeline on the
                server (``start_inference_pipeline_with_workflow()``), or inference_sdk's
                ``InferenceHTTPClient(...).webrtc`` (``pip install inference-sdk aiortc``).
        """
        raise MissingDependencyError(
            "rf-client does not implement WebRTC streaming (inference-sdk's client.webrtc). "
            "Run a model on every frame of a video file, camera or stream URL over HTTP with "
            "client.infer_on_stream(...), let the server run a workflow on a stream with an "
            "inference pipeline (client.start_inference_pipeline_with_workflow(...)), or use "
            "inference_sdk's InferenceHTTPClient(...).webrtc for WebRTC (pip install "
            "inference-sdk aiortc)."
        )
