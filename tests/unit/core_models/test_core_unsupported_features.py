"""What rf-client cannot do for a caller: gaze on a server without it, and WebRTC streaming."""

from __future__ import annotations

import typing
from typing import NoReturn

import pytest

from rf_client import (
    FeatureDeprecatedError,
    FeatureRemovedError,
    GoneError,
    InferenceConfiguration,
    InferenceHTTPClient,
    InternalServerError,
    MissingDependencyError,
    RFClientError,
)
from tests.support.fake_server import FakeServer, json_reply
from tests.unit.core_models.conftest import Call

# Gaze: a server without the route answers 404; it raises what a 410 raises.


def test_gaze_on_a_server_without_the_route_raises_feature_removed(
    fake_server: FakeServer, call: Call, cat: str
) -> None:
    # No route on the fake server: it answers 404.
    with pytest.raises(FeatureRemovedError) as caught:
        call(InferenceHTTPClient(fake_server.url), "detect_gazes", cat)
    error = caught.value
    assert isinstance(error, FeatureDeprecatedError)  # what inference-sdk 1.8.3 raises
    assert isinstance(error, GoneError)  # the class a 410 answer raises
    assert error.status_code == 404  # the server's own status is kept
    assert error.feature == "/gaze/gaze_detection"
    assert error.endpoint == "POST /gaze/gaze_detection"
    assert "does not serve gaze detection" in str(error)
    assert "older than 1.8.3" in str(error)
    assert len(fake_server.requests) == 1  # a 404 is final


def test_gaze_404_fails_every_image_of_a_batch_with_feature_removed(
    fake_server: FakeServer, call: Call, cat: str, rocket: str
) -> None:
    client = InferenceHTTPClient(fake_server.url).configure(
        InferenceConfiguration(max_batch_size=2)
    )
    with pytest.raises(FeatureRemovedError) as caught:
        call(client, "detect_gazes", [cat, rocket, cat])
    batch = caught.value.batch
    assert batch is not None
    errors = batch.errors
    assert sorted(errors) == [0, 1, 2]
    assert all(isinstance(e, FeatureRemovedError) and e.status_code == 404 for e in errors.values())
    assert errors[0] is errors[1]  # the two images of the first request share its error
    assert len(fake_server.requests) == 2


def test_typed_gaze_on_a_server_without_the_route_raises_feature_removed(
    fake_server: FakeServer, call: Call, cat: str
) -> None:
    with pytest.raises(FeatureDeprecatedError, match="does not serve gaze detection"):
        call(InferenceHTTPClient(fake_server.url), "typed.gaze.detect", cat)


def test_a_bare_410_from_the_gaze_route_raises_feature_removed(
    fake_server: FakeServer, call: Call, cat: str
) -> None:
    # A 410 without 1.8.3's feature details (a proxy's, say) is the same removal.
    fake_server.on("POST", "/gaze/gaze_detection", json_reply(410, {"message": "Gone"}))
    with pytest.raises(FeatureRemovedError) as caught:
        call(InferenceHTTPClient(fake_server.url), "detect_gazes", cat)
    assert caught.value.status_code == 410
    assert caught.value.feature == "/gaze/gaze_detection"
    assert "older than 1.8.3" in str(caught.value)


def test_other_gaze_failures_keep_their_own_class(
    fake_server: FakeServer, call: Call, cat: str
) -> None:
    fake_server.on("POST", "/gaze/gaze_detection", json_reply(500, {"message": "boom"}))
    client = InferenceHTTPClient(fake_server.url).with_options(max_retries=0)
    with pytest.raises(InternalServerError) as caught:
        call(client, "detect_gazes", cat)
    assert not isinstance(caught.value, FeatureDeprecatedError)


# WebRTC: inference-sdk 1.8.3's client.webrtc has no rf-client counterpart.


def test_webrtc_raises_a_clear_error_saying_what_to_use_instead(fake_server: FakeServer) -> None:
    client = InferenceHTTPClient(fake_server.url, "secret-key")
    try:
        with pytest.raises(MissingDependencyError) as caught:
            _ = client.webrtc
    finally:
        client.close()
    error = caught.value
    assert isinstance(error, RFClientError)
    message = str(error)
    assert "rf-client does not implement WebRTC streaming" in message
    assert "infer_on_stream" in message
    assert "inference pipeline" in message
    assert "inference_sdk's InferenceHTTPClient(...).webrtc" in message
    assert "secret-key" not in message
    assert fake_server.requests == []


def test_webrtc_is_typed_no_return() -> None:
    prop = InferenceHTTPClient.__dict__["webrtc"]
    assert isinstance(prop, property)
    assert prop.fget is not None
    assert typing.get_type_hints(prop.fget)["return"] is NoReturn
    assert "WebRTC" in (prop.__doc__ or "")
