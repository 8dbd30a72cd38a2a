"""Fault injection against the loopback server: retries, backoff, timeouts, broken answers.

Every test runs on the sync and the async surface. Batches check that results come back in
input order, each exactly once, and count how many times each item was sent.
"""

from __future__ import annotations

import itertools
import logging
import time

import pytest

from rf_client import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    BadGatewayError,
    InferenceConfiguration,
    InferenceHTTPClient,
    ResponseValidationError,
    RetryPolicy,
    ServiceUnavailableError,
    VisualisationResponseFormat,
)
from rf_client.errors import IncompleteResponseError
from tests.support.fake_server import (
    FakeServer,
    Reply,
    delay,
    http_date,
    json_reply,
    raw_reply,
    redirect,
    reset,
    stall_body,
    truncated,
)
from tests.unit.reliability.reliability_support import (
    FAST_RETRIES,
    MODEL_ID,
    Caller,
    ScriptedModel,
    always,
    assert_clean_error,
    item_image,
    item_of,
    on_attempts,
    prediction,
)

INFO = json_reply(200, {"name": "Roboflow Inference Server", "version": "1.8.3", "uuid": "u"})
BUSY = json_reply(503, {"message": "Internal error. Could not connect to Roboflow API."})
HTML_502 = raw_reply(
    502,
    b"<html><head><title>502 Bad Gateway</title><style>h1{color:red}</style></head>"
    b"<body><h1>502 Bad Gateway</h1><hr><center>nginx</center></body></html>",
    "text/html",
)
FAULTS: dict[str, Reply] = {
    "503": BUSY,
    "500": json_reply(500, {"message": "Internal error."}),
    "502-html": HTML_502,
    "504": json_reply(504, {"message": "gateway timeout"}),
    "429": json_reply(429, {"message": "slow down"}),
    "408": json_reply(408, {"message": "request timeout"}),
    "reset": reset(),
    "truncated": truncated(b'{"image": {"width"', 400),
    "slow": delay(2.0, INFO),
}


def client_for(server: FakeServer, **options: object) -> InferenceHTTPClient:
    """A client of ``server`` with fast backoff (and ``options`` for with_options)."""
    client = InferenceHTTPClient(server.url, retry_policy=FAST_RETRIES)
    return client.with_options(**options) if options else client  # type: ignore[arg-type]


def batch_client(
    server: FakeServer, batch_size: int, concurrency: int, **options: object
) -> InferenceHTTPClient:
    """A client sending ``batch_size`` images per request, ``concurrency`` at once."""
    return client_for(server, **options).configure(
        InferenceConfiguration(max_batch_size=batch_size, max_concurrent_requests=concurrency)
    )


# Single requests: status sequences, Retry-After, timeouts, resets, cut bodies.


def test_503_503_200_succeeds_on_the_third_attempt(fake_server: FakeServer, call: Caller) -> None:
    fake_server.on("GET", "/info", BUSY, BUSY, INFO)
    info = call(client_for(fake_server), "get_server_info")
    assert info.version == "1.8.3"
    assert len(fake_server.requests_to("GET", "/info")) == 3


def test_three_503_with_two_retries_raise_after_3_attempts(
    fake_server: FakeServer, call: Caller
) -> None:
    fake_server.on("GET", "/info", BUSY)
    with pytest.raises(ServiceUnavailableError) as caught:
        call(client_for(fake_server, max_retries=2), "get_server_info")
    assert_clean_error(caught.value, ServiceUnavailableError)
    assert "after 3 attempts" in str(caught.value)
    assert "GET /info" in str(caught.value)
    assert caught.value.api_message == "Internal error. Could not connect to Roboflow API."
    assert len(fake_server.requests_to("GET", "/info")) == 3


@pytest.mark.parametrize("retries", [0, 1, 4])
def test_max_retries_bounds_the_attempts(
    fake_server: FakeServer, call: Caller, retries: int
) -> None:
    fake_server.on("GET", "/info", BUSY)
    with pytest.raises(ServiceUnavailableError):
        call(client_for(fake_server, max_retries=retries), "get_server_info")
    assert len(fake_server.requests_to("GET", "/info")) == retries + 1


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_every_transient_fault_is_retried_to_success(
    fake_server: FakeServer, call: Caller, fault: str
) -> None:
    fake_server.on("GET", "/info", FAULTS[fault], INFO)
    info = call(client_for(fake_server, timeout=0.5), "get_server_info")
    assert info.name == "Roboflow Inference Server"
    assert len(fake_server.requests_to("GET", "/info")) == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 413, 422])
def test_client_errors_are_not_retried(fake_server: FakeServer, call: Caller, status: int) -> None:
    fake_server.on("GET", "/info", json_reply(status, {"message": "no"}), INFO)
    with pytest.raises(APIStatusError) as caught:
        call(client_for(fake_server), "get_server_info")
    assert getattr(caught.value, "status_code", None) == status
    assert len(fake_server.requests_to("GET", "/info")) == 1


def _waits(server: FakeServer, path: str) -> list[float]:
    times = [request.received_at for request in server.requests_to("GET", path)]
    return [later - earlier for earlier, later in itertools.pairwise(times)]


def test_retry_after_in_seconds_is_waited_for(fake_server: FakeServer, call: Caller) -> None:
    fake_server.on("GET", "/info", json_reply(503, headers={"Retry-After": "0.4"}), INFO)
    call(client_for(fake_server), "get_server_info")
    [wait] = _waits(fake_server, "/info")
    assert 0.38 <= wait < 1.5  # FAST_RETRIES alone would wait at most 0.01 s


def test_retry_after_as_an_http_date_is_waited_for(fake_server: FakeServer, call: Caller) -> None:
    # HTTP dates have whole seconds: "2 s from now" is 1 to 2 s away.
    fake_server.on("GET", "/info", json_reply(429, headers={"Retry-After": http_date(2)}), INFO)
    call(client_for(fake_server), "get_server_info")
    [wait] = _waits(fake_server, "/info")
    assert 0.9 <= wait < 2.6


def test_a_long_retry_after_is_capped(fake_server: FakeServer, call: Caller) -> None:
    fake_server.on("GET", "/info", json_reply(503, headers={"Retry-After": "3600"}), INFO)
    capped = RetryPolicy(initial_delay=0.01, max_delay=0.02, max_retry_after=0.2)
    started = time.monotonic()
    call(client_for(fake_server, retry_policy=capped), "get_server_info")
    [wait] = _waits(fake_server, "/info")
    assert 0.18 <= wait < 1.0
    assert time.monotonic() - started < 2


def test_backoff_grows_exponentially_with_jitter_below_its_ceiling(
    fake_server: FakeServer, call: Caller
) -> None:
    fake_server.on("GET", "/info", BUSY, BUSY, BUSY, INFO)
    policy = RetryPolicy(max_retries=3, initial_delay=0.1, max_delay=0.15)
    call(client_for(fake_server, retry_policy=policy), "get_server_info")
    waits = _waits(fake_server, "/info")
    assert len(waits) == 3
    # Full jitter: each wait is in [0, min(max_delay, initial * 2**n)] (plus transport time).
    assert all(
        wait < ceiling + 0.25 for wait, ceiling in zip(waits, (0.1, 0.15, 0.15), strict=True)
    )


def test_a_reply_slower_than_the_timeout_raises_a_timeout_naming_the_endpoint(
    fake_server: FakeServer, call: Caller
) -> None:
    fake_server.on("GET", "/info", delay(3.0, INFO))
    started = time.monotonic()
    with pytest.raises(APITimeoutError) as caught:
        call(client_for(fake_server, timeout=0.3, max_retries=0), "get_server_info")
    assert time.monotonic() - started < 2.0
    assert_clean_error(caught.value, APITimeoutError)
    assert "GET /info timed out" in str(caught.value)
    assert "0.3 s (read timeout)" in str(caught.value)


def test_a_body_stalled_past_the_timeout_is_a_timeout(
    fake_server: FakeServer, call: Caller
) -> None:
    fake_server.on("GET", "/info", stall_body(3.0, INFO))
    with pytest.raises(APITimeoutError) as caught:
        call(client_for(fake_server, timeout=0.3, max_retries=1), "get_server_info")
    assert_clean_error(caught.value, APITimeoutError)
    assert "after 2 attempts" in str(caught.value)
    assert len(fake_server.requests_to("GET", "/info")) == 2


def test_a_refused_connection_is_retried_then_raised(call: Caller) -> None:
    client = InferenceHTTPClient("http://127.0.0.1:9", retry_policy=FAST_RETRIES)
    with pytest.raises(APIConnectionError) as caught:
        call(client.with_options(max_retries=1), "get_server_info")
    assert_clean_error(caught.value, APIConnectionError)
    assert "GET /info: no answer from the server after 2 attempts" in str(caught.value)


def test_connection_resets_exhaust_retries_with_a_connection_error(
    fake_server: FakeServer, call: Caller
) -> None:
    fake_server.on("GET", "/info", reset())
    with pytest.raises(APIConnectionError) as caught:
        call(client_for(fake_server, max_retries=2), "get_server_info")
    assert_clean_error(caught.value, APIConnectionError)
    assert not isinstance(caught.value, APITimeoutError)
    assert len(fake_server.requests_to("GET", "/info")) == 3


def test_a_body_shorter_than_announced_is_an_incomplete_response(
    fake_server: FakeServer, call: Caller
) -> None:
    fake_server.on("GET", "/info", truncated(b'{"name": "Robo', 200))
    with pytest.raises(IncompleteResponseError) as caught:
        call(client_for(fake_server, max_retries=1), "get_server_info")
    assert_clean_error(caught.value, IncompleteResponseError)
    assert isinstance(caught.value, ResponseValidationError)
    assert "the answer was cut short after 2 attempts" in str(caught.value)
    assert "expected 200" in str(caught.value)


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (raw_reply(200, b'{"name": "x", "vers', "application/json"), "malformed JSON"),
        (raw_reply(200, b"", "application/json"), "(empty body)"),
        (raw_reply(200, b'{"name": "\xff"}', "application/json"), "UnicodeDecodeError"),
        (
            raw_reply(200, b"<html><body><h1>Welcome to nginx!</h1></body></html>", "text/html"),
            "'Welcome to nginx!'",
        ),
        (raw_reply(200, b'{"name": "x"}', "text/plain"), "answered text/plain where JSON"),
        (json_reply(200, {"name": "x"}), "does not fit its schema"),
        (json_reply(200, ["not", "an", "object"]), "answered list where"),
    ],
    ids=["cut-json", "empty", "not-utf8", "html-200", "text-plain", "missing-field", "list"],
)
def test_a_bad_successful_answer_is_a_response_validation_error_sent_once(
    fake_server: FakeServer, call: Caller, reply: Reply, expected: str
) -> None:
    fake_server.on("GET", "/info", reply)
    with pytest.raises(ResponseValidationError) as caught:
        call(client_for(fake_server), "get_server_info")
    assert_clean_error(caught.value, ResponseValidationError)
    assert expected in str(caught.value)
    assert "GET /info" in str(caught.value)
    assert len(fake_server.requests_to("GET", "/info")) == 1


def test_an_html_error_page_gives_its_text_without_tags(
    fake_server: FakeServer, call: Caller
) -> None:
    fake_server.on("GET", "/info", HTML_502)
    with pytest.raises(BadGatewayError) as caught:
        call(client_for(fake_server, max_retries=1), "get_server_info")
    error = caught.value
    assert_clean_error(error, BadGatewayError)
    assert error.status_code == 502
    assert error.api_message == "502 Bad Gateway 502 Bad Gateway nginx"
    assert "<" not in str(error)
    assert "color:red" not in str(error)
    assert len(fake_server.requests_to("GET", "/info")) == 2


def test_a_redirect_is_not_followed(fake_server: FakeServer, call: Caller) -> None:
    fake_server.on("GET", "/info", redirect(f"{fake_server.url}/elsewhere?api_key=abc", 301))
    fake_server.on("GET", "/elsewhere", INFO)
    with pytest.raises(ResponseValidationError) as caught:
        call(client_for(fake_server), "get_server_info")
    assert_clean_error(caught.value, ResponseValidationError)
    assert "redirect (status 301)" in str(caught.value)
    assert f"{fake_server.url}/elsewhere?..." in str(caught.value)
    assert [r.path for r in fake_server.requests] == ["/info"]


# Requests built not to be retried (workflow runs with retries disabled).


def test_a_request_marked_not_retryable_is_sent_once(fake_server: FakeServer, call: Caller) -> None:
    from rf_client._http import Request
    from rf_client._plan import send

    fake_server.on("POST", "/workflows/run", BUSY)
    client = client_for(fake_server, max_retries=3)
    context = client._context()
    request = Request("POST", "/workflows/run", "POST /workflows/run", json={}, retryable=False)
    with pytest.raises(ServiceUnavailableError) as caught:
        call.run_plan(client, send(request, context.options))
    assert "attempts" not in str(caught.value)
    assert len(fake_server.requests_to("POST", "/workflows/run")) == 1


@pytest.mark.parametrize(("enabled", "attempts"), [(True, 3), (False, 1)])
def test_workflow_runs_honour_workflow_run_retries_enabled(
    fake_server: FakeServer, call: Caller, enabled: bool, attempts: int
) -> None:
    fake_server.on("POST", "/workflows/run", BUSY)
    client = client_for(fake_server, max_retries=2).configure(
        InferenceConfiguration(workflow_run_retries_enabled=enabled)
    )
    spec = {"version": "1.0", "inputs": [], "steps": [], "outputs": []}
    with pytest.raises(ServiceUnavailableError):
        call(client, "run_workflow", specification=spec)
    assert len(fake_server.requests_to("POST", "/workflows/run")) == attempts


# Batches: order, no loss, no duplicate, faults per request.


@pytest.mark.parametrize(("batch_size", "concurrency"), [(1, 1), (1, 4), (2, 3), (3, 2)])
def test_a_batch_with_transient_faults_returns_every_result_once_in_order(
    fake_server: FakeServer, call: Caller, batch_size: int, concurrency: int
) -> None:
    faults = {
        1: on_attempts(BUSY, [1, 2]),
        3: on_attempts(reset(), [1]),
        4: on_attempts(truncated(b"[{", 90), [1]),
        6: on_attempts(delay(2.0, json_reply(200, [])), [1]),
        7: on_attempts(json_reply(429, headers={"Retry-After": "0.05"}), [1]),
    }
    model = ScriptedModel(fake_server, faults)
    client = batch_client(fake_server, batch_size, concurrency, timeout=0.5)
    results = call(client, "infer", [item_image(i) for i in range(9)], model_id=MODEL_ID)
    # One result per item, in input order: nothing lost, nothing duplicated.
    assert [item_of(result) for result in results] == list(range(9))
    assert results[5] == prediction(5)
    # Each request was sent whole again after its fault; clean requests were sent once.
    sent = [item for items in model.requests_per_item for item in items]
    assert sum(model.attempts.values()) == len(sent)
    assert model.attempts[1] >= 3
    assert all(model.attempts[item] >= 2 for item in (3, 4, 6, 7))
    faulty = {1, 3, 4, 6, 7}
    clean_requests = [items for items in model.requests_per_item if not faulty & set(items)]
    clean_items = [item for items in clean_requests for item in items]
    assert len(clean_items) == len(set(clean_items))


def test_a_permanently_failing_request_fails_only_its_own_items(
    fake_server: FakeServer, call: Caller
) -> None:
    model = ScriptedModel(fake_server, {4: always(BUSY)})
    client = batch_client(fake_server, 2, 3, max_retries=1)
    with pytest.raises(ServiceUnavailableError) as caught:
        call(client, "infer", [item_image(i) for i in range(7)], model_id=MODEL_ID)
    error = caught.value
    assert_clean_error(error, ServiceUnavailableError)
    assert error.batch is not None
    # Items 4 and 5 travel together (max_batch_size=2), so both fail; the rest succeed.
    assert error.batch.failed_indexes == [4, 5]
    results = error.batch.results
    assert [item_of(r) if r is not None else None for r in results] == [0, 1, 2, 3, None, None, 6]
    assert set(error.batch.errors) == {4, 5}
    assert "items 5, 6 of 7 failed" in str(error)
    assert "error.batch.results" in str(error)
    assert model.attempts[4] == 2
    assert model.attempts[0] == 1


def test_a_batch_where_every_request_times_out_reports_every_item(
    fake_server: FakeServer, call: Caller
) -> None:
    model = ScriptedModel(fake_server, {i: always(delay(2.0, BUSY)) for i in range(3)})
    client = batch_client(fake_server, 1, 3, timeout=0.3, max_retries=1)
    started = time.monotonic()
    with pytest.raises(APITimeoutError) as caught:
        call(client, "infer", [item_image(i) for i in range(3)], model_id=MODEL_ID)
    assert time.monotonic() - started < 4
    assert caught.value.batch is not None
    assert caught.value.batch.failed_indexes == [0, 1, 2]
    assert all(isinstance(e, APITimeoutError) for e in caught.value.batch.errors.values())
    assert dict(model.attempts) == {0: 2, 1: 2, 2: 2}


def test_a_batch_answer_with_the_wrong_number_of_results_fails_those_items(
    fake_server: FakeServer, call: Caller
) -> None:
    ScriptedModel(fake_server, {2: always(json_reply(200, [prediction(2)]))})
    client = batch_client(fake_server, 2, 1)
    with pytest.raises(ResponseValidationError) as caught:
        call(client, "infer", [item_image(i) for i in range(4)], model_id=MODEL_ID)
    assert_clean_error(caught.value, ResponseValidationError)
    assert "answered 1 predictions for 2 images" in str(caught.value)
    assert caught.value.batch is not None
    assert caught.value.batch.failed_indexes == [2, 3]
    assert [item_of(r) for r in caught.value.batch.results[:2] if r is not None] == [0, 1]


@pytest.mark.parametrize(
    ("answer", "kind"), [(b"null", "null"), (b'"ok"', "a string"), (b"3", "a number")]
)
def test_an_answer_that_is_not_a_prediction_object_is_named(
    fake_server: FakeServer, call: Caller, answer: bytes, kind: str
) -> None:
    ScriptedModel(fake_server, {0: always(raw_reply(200, answer, "application/json"))})
    with pytest.raises(ResponseValidationError) as caught:
        call(client_for(fake_server), "infer", item_image(0), model_id=MODEL_ID)
    assert f"answered {kind} where a prediction object was expected" in str(caught.value)
    assert "max_batch_size" not in str(caught.value)


def test_a_single_image_failure_raises_without_a_batch(
    fake_server: FakeServer, call: Caller
) -> None:
    ScriptedModel(fake_server, {0: always(json_reply(404, {"message": "no such model"}))})
    with pytest.raises(APIStatusError) as caught:
        call(client_for(fake_server), "infer", item_image(0), model_id=MODEL_ID)
    assert getattr(caught.value, "status_code", None) == 404
    assert getattr(caught.value, "batch", "missing") is None


@pytest.mark.parametrize(
    ("answer", "missing"),
    [
        ({"image": {"width": 10, "height": 6}}, "'predictions'"),
        ({"predictions": []}, "'image'"),
        ({"image": {"width": 10}, "predictions": []}, "'height'"),
    ],
)
def test_the_typed_api_refuses_an_answer_missing_fields(
    fake_server: FakeServer, call: Caller, answer: dict[str, object], missing: str
) -> None:
    ScriptedModel(fake_server, {0: always(json_reply(200, answer))})
    client = client_for(fake_server)
    with pytest.raises(ResponseValidationError) as caught:
        call(client.typed.infer, "object_detection", item_image(0), model_id=MODEL_ID)
    assert_clean_error(caught.value, ResponseValidationError)
    assert "POST /infer/object_detection" in str(caught.value)
    assert "ObjectDetectionInferenceResponse" in str(caught.value)
    assert missing in str(caught.value)


def test_an_undecodable_visualisation_is_a_response_validation_error(
    fake_server: FakeServer, call: Caller
) -> None:
    answer = {**prediction(0), "visualization": "bm90IGFuIGltYWdl"}  # base64 of "not an image"
    ScriptedModel(fake_server, {0: always(json_reply(200, answer))})
    client = client_for(fake_server).configure(
        InferenceConfiguration(output_visualisation_format=VisualisationResponseFormat.NUMPY)
    )
    with pytest.raises(ResponseValidationError, match="the visualization from POST /infer"):
        call(client, "infer", item_image(0), model_id=MODEL_ID)


def test_each_retry_is_logged_at_info_on_the_rf_client_logger(
    fake_server: FakeServer, call: Caller, caplog: pytest.LogCaptureFixture
) -> None:
    fake_server.on("GET", "/info", BUSY, reset(), INFO)
    with caplog.at_level(logging.INFO, logger="rf_client"):
        call(client_for(fake_server), "get_server_info")
    retries = [r.getMessage() for r in caplog.records if r.name == "rf_client"]
    assert len(retries) == 2
    assert retries[0].startswith("Retrying GET /info in ")
    assert retries[0].endswith("(attempt 2 of 3): status 503")
    assert retries[1].endswith("(attempt 3 of 3): APIConnectionError")
