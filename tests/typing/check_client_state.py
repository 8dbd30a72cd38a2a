"""Construction, configuration helpers, state and context managers (type-checked, never run).

Chainable setters and ``with`` blocks give back the client's own class, so a subclass keeps its
type; errors carry typed attributes.
"""

from __future__ import annotations

from typing import Any, Literal, assert_type

import httpx

from rf_client import (
    ApiKeyTransport,
    APIStatusError,
    ClientOptions,
    HTTPClientMode,
    InferenceConfiguration,
    InferenceHTTPClient,
    NodeStats,
    RetryPolicy,
    RFClientError,
    URLImagePolicy,
    VisualisationResponseFormat,
)


class MyClient(InferenceHTTPClient):
    """A user's subclass: every chainable call and ``with`` block keeps this type."""


def check_construction() -> None:
    """Constructors and options."""
    client = InferenceHTTPClient(
        api_url="http://localhost:9001",
        api_key="key",
        timeout=httpx.Timeout(5.0, connect=1.0),
        max_retries=0,
        url_image_policy=URLImagePolicy(max_bytes=1024, allow_private_addresses=False),
        retry_policy=RetryPolicy(max_retries=1, initial_delay=0.1),
    )
    assert_type(client, InferenceHTTPClient)
    assert_type(InferenceHTTPClient.init("http://localhost:9001", "key"), InferenceHTTPClient)
    assert_type(client.with_options(timeout=2.5, max_retries=3), InferenceHTTPClient)
    assert_type(client.with_options(timeout=None), InferenceHTTPClient)
    assert_type(MyClient("http://localhost:9001").with_options(max_retries=1), MyClient)
    servers = InferenceHTTPClient(["http://10.0.0.1:9001", "http://10.0.0.2:9001"], "key")
    assert_type(servers, InferenceHTTPClient)
    assert_type(
        InferenceHTTPClient.init(api_url=("http://a:9001", "http://b:9001")), InferenceHTTPClient
    )


def check_state(client: InferenceHTTPClient, mine: MyClient) -> None:
    """Properties and chainable setters."""
    assert_type(client.api_url, str)
    assert_type(client.api_urls, tuple[str, ...])
    assert_type(client.node_stats(), tuple[NodeStats, ...])
    assert_type(client.node_stats()[0].url, str)
    assert_type(client.node_stats()[0].in_flight, int)
    assert_type(client.node_stats()[0].healthy, bool)
    assert_type(client.inference_configuration, InferenceConfiguration)
    assert_type(client.client_mode, HTTPClientMode)
    assert_type(client.selected_model, str | None)
    assert_type(client.options, ClientOptions)
    assert_type(client.options.timeout, httpx.Timeout | None)
    assert_type(client.options.retry.max_retries, int)
    configuration = InferenceConfiguration(
        confidence_threshold=0.4,
        response_mask_format="rle",
        output_visualisation_format=VisualisationResponseFormat.NUMPY,
        api_key_transport=ApiKeyTransport.HEADER,
        max_batch_size=8,
    )
    assert_type(client.configure(configuration), InferenceHTTPClient)
    assert_type(client.select_api_v0(), InferenceHTTPClient)
    assert_type(client.select_api_v1(), InferenceHTTPClient)
    assert_type(client.select_model("project/3"), InferenceHTTPClient)
    assert_type(mine.configure(configuration).select_model("project/3"), MyClient)
    client.close()


def check_configuration_helpers() -> None:
    """InferenceConfiguration's constructors and wire helpers."""
    configuration = InferenceConfiguration.init_default()
    assert_type(configuration, InferenceConfiguration)
    assert_type(configuration.replace(max_batch_size=4), InferenceConfiguration)
    assert_type(configuration.confidence_threshold, float | Literal["best", "default"] | None)
    assert_type(configuration.response_mask_format, Literal["polygon", "rle"] | None)
    assert_type(configuration.output_visualisation_format, VisualisationResponseFormat)
    assert_type(
        configuration.to_api_call_parameters(HTTPClientMode.V1, "object-detection"), dict[str, Any]
    )
    assert_type(configuration.to_object_detection_parameters(), dict[str, Any])
    assert_type(configuration.to_instance_segmentation_parameters(), dict[str, Any])
    assert_type(configuration.to_keypoints_detection_parameters(), dict[str, Any])
    assert_type(configuration.to_classification_parameters(), dict[str, Any])
    assert_type(configuration.to_legacy_call_parameters(), dict[str, Any])
    assert_type(configuration.to_billing_query_parameters(), dict[str, Any] | None)
    assert_type(configuration.to_api_v1_query_parameters(), dict[str, Any] | None)
    assert_type(configuration.to_source_parameters(), dict[str, str])


def check_context_managers(client: InferenceHTTPClient, mine: MyClient) -> None:
    """``with`` blocks give the client back (the same class)."""
    with InferenceHTTPClient("http://localhost:9001") as opened:
        assert_type(opened, InferenceHTTPClient)
    with client.use_model("project/3") as scoped:
        assert_type(scoped, InferenceHTTPClient)
    with client.use_configuration(InferenceConfiguration(max_batch_size=2)) as configured:
        assert_type(configured, InferenceHTTPClient)
    with client.use_api_v0() as hosted:
        assert_type(hosted, InferenceHTTPClient)
    with client.use_api_v1() as self_hosted:
        assert_type(self_hosted, InferenceHTTPClient)
    with mine.use_model("project/3") as my_scoped:
        assert_type(my_scoped, MyClient)


async def check_async_context_managers(mine: MyClient) -> None:
    """``async with`` gives the client back; ``aclose`` is awaited."""
    async with InferenceHTTPClient("http://localhost:9001") as opened:
        assert_type(opened, InferenceHTTPClient)
    async with mine as same:
        assert_type(same, MyClient)
    await mine.aclose()


def check_errors(client: InferenceHTTPClient, image: str) -> None:
    """Errors carry typed attributes; a failed batch keeps every other result."""
    try:
        client.infer([image, image], model_id="project/3")
    except APIStatusError as error:
        assert_type(error.status_code, int)
        assert_type(error.api_message, str | None)
        assert_type(error.error_type, str | None)
        assert_type(error.endpoint, str | None)
        if error.batch is not None:
            assert_type(error.batch.failed_indexes, list[int])
            assert_type(error.batch.errors, dict[int, RFClientError])
    except RFClientError as error:
        assert_type(error.message, str)
