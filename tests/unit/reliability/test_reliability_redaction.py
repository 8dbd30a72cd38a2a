"""The API key and the service secret never show: errors, chains, tracebacks, logs, reprs.

A distinctive key and service secret go through every failure path, with each of the three
key transports, sync and async, while httpx's and httpcore's loggers log at DEBUG into a
handler on the root logger. Every text an error or a log record can produce is searched.
"""

from __future__ import annotations

import logging
import traceback
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from rf_client import (
    ApiKeyTransport,
    InferenceConfiguration,
    InferenceHTTPClient,
    RFClientError,
)
from rf_client._http import Reply as HTTPReply
from rf_client._http import Request, body_excerpt, status_error
from rf_client._redaction import (
    REDACTED,
    RedactingFilter,
    display_url,
    redact,
    redact_value,
    redacted_text,
    register_secret,
    release_secret,
)
from tests.support.fake_server import (
    FakeServer,
    Reply,
    delay,
    json_reply,
    raw_reply,
    redirect,
    reset,
    truncated,
)
from tests.unit.reliability.reliability_support import (
    API_KEY,
    FAST_RETRIES,
    MODEL_ID,
    ROUTE,
    SERVICE_SECRET,
    Caller,
    exception_chain,
    item_image,
    registry_answer,
)

SECRETS = (API_KEY, SERVICE_SECRET)
FORMS = tuple(
    {form for s in SECRETS for form in (s, urllib.parse.quote(s, safe=""), s.encode().hex())}
)
TRANSPORTS = [ApiKeyTransport.LEGACY, ApiKeyTransport.BOTH, ApiKeyTransport.HEADER]
ECHO = f"key {API_KEY} secret {SERVICE_SECRET} at http://x/?api_key={API_KEY}&s={SERVICE_SECRET}"


@pytest.fixture
def logs() -> Iterator[list[logging.LogRecord]]:
    """Every log record, with the root logger, httpx and httpcore at DEBUG."""
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Collect(logging.DEBUG)
    root = logging.getLogger()
    names = ("httpx", "httpcore", "rf_client")
    saved = (root.level, [logging.getLogger(n).level for n in names])
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in names:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield records
    finally:
        root.removeHandler(handler)
        root.setLevel(saved[0])
        for name, level in zip(names, saved[1], strict=True):
            logging.getLogger(name).setLevel(level)


def error_texts(error: BaseException) -> list[str]:
    """Everything an error can show: str, repr and attributes of its whole chain, traceback."""
    texts = ["".join(traceback.format_exception(error))]
    for linked in exception_chain(error):
        texts += [str(linked), repr(linked), repr(linked.args), repr(vars(linked))]
    batch = getattr(error, "batch", None)
    if batch is not None:
        texts += [repr(batch), repr(batch.results), repr(batch.errors)]
    return texts


def log_texts(records: list[logging.LogRecord]) -> list[str]:
    """What handlers print for the records (message, arguments, traceback)."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return [formatter.format(r) + repr(r.args) + str(r.msg) for r in records]


def assert_hidden(texts: list[str]) -> None:
    """No secret, raw or URL-encoded, in any of ``texts``."""
    for text in texts:
        for form in FORMS:
            assert form not in text, f"secret found in: {text[:400]}"


def secret_client(url: str, transport: ApiKeyTransport) -> InferenceHTTPClient:
    """A client with the distinctive key and service secret, sending the key by ``transport``."""
    configuration = InferenceConfiguration(
        api_key_transport=transport, service_secret=SERVICE_SECRET, count_inference=False
    )
    return InferenceHTTPClient(url, API_KEY, retry_policy=FAST_RETRIES).configure(configuration)


def echoing(status: int) -> Reply:
    """An error answer echoing the secrets back in message, detail, and workflow fields."""
    return json_reply(
        status,
        {
            "message": ECHO,
            "error_type": f"Err{API_KEY}",
            "inner_error_type": "ValueError",
            "inner_error_message": ECHO,
            "detail": [{"loc": ["body", "api_key"], "msg": ECHO, "input": {"api_key": API_KEY}}],
        },
        headers={"X-Echo": API_KEY, "Location": f"/x?api_key={API_KEY}"},
    )


FAILURES: dict[str, Reply] = {
    "401-echo": echoing(401),
    "422-fastapi-echo": json_reply(
        422,
        {
            "detail": [
                {
                    "type": "missing",
                    "loc": ["body", "image"],
                    "msg": "Field required",
                    "input": {"api_key": API_KEY, "model_id": MODEL_ID},
                }
            ]
        },
    ),
    "500-retried-echo": echoing(500),
    "400-workflow-shape": json_reply(
        400,
        {
            "message": ECHO,
            "error_type": "RuntimeInputError",
            "context": "workflow_execution | runtime_input_validation",
            "inner_error_type": None,
            "inner_error_message": "None",
        },
    ),
    "malformed-json": raw_reply(
        200, f'{{"k": "{API_KEY}", "s": "'.encode() + b"\xff", "application/json"
    ),
    "html-page": raw_reply(503, f"<html><b>{ECHO}</b></html>".encode(), "text/html"),
    "plain-200": raw_reply(200, ECHO.encode(), "text/plain"),
    "truncated": truncated(ECHO.encode(), 5000),
    "reset": reset(),
    "timeout": delay(2.0, json_reply(200, {})),
    "redirect": redirect(f"http://elsewhere.invalid/?api_key={API_KEY}&s={SERVICE_SECRET}"),
}


def _sent_secrets(server: FakeServer, transport: ApiKeyTransport) -> None:
    """The secrets did travel (so not finding them in errors means something)."""
    request = server.requests_to("POST", ROUTE)[0]
    assert request.param("service_secret") == SERVICE_SECRET
    body_key = request.json().get("api_key")
    header = request.headers.get("authorization")
    assert body_key == (None if transport is ApiKeyTransport.HEADER else API_KEY)
    assert header == (None if transport is ApiKeyTransport.LEGACY else f"Bearer {API_KEY}")


@pytest.mark.parametrize("transport", TRANSPORTS, ids=lambda t: t.value)
@pytest.mark.parametrize("failure", sorted(FAILURES))
def test_failed_inference_shows_no_secret(
    fake_server: FakeServer,
    call: Caller,
    logs: list[logging.LogRecord],
    transport: ApiKeyTransport,
    failure: str,
) -> None:
    fake_server.on("GET", "/model/registry", json_reply(200, registry_answer()))
    fake_server.on("POST", ROUTE, FAILURES[failure])
    client = secret_client(fake_server.url, transport).with_options(timeout=0.3, max_retries=1)
    with pytest.raises(RFClientError) as caught:
        call(client, "infer", [item_image(0), item_image(1)], model_id=MODEL_ID)
    _sent_secrets(fake_server, transport)
    assert logs, "nothing was logged: the log part of the test would be void"
    assert_hidden(error_texts(caught.value) + log_texts(logs))


@pytest.mark.parametrize("transport", TRANSPORTS, ids=lambda t: t.value)
def test_a_refused_connection_shows_no_secret(
    call: Caller, logs: list[logging.LogRecord], transport: ApiKeyTransport
) -> None:
    client = secret_client("http://127.0.0.1:9", transport).with_options(max_retries=1)
    with pytest.raises(RFClientError) as caught:
        call(client, "infer", item_image(0), model_id=MODEL_ID)
    assert_hidden(error_texts(caught.value) + log_texts(logs))


@pytest.mark.parametrize("transport", TRANSPORTS, ids=lambda t: t.value)
def test_a_successful_call_logs_no_secret(
    fake_server: FakeServer,
    call: Caller,
    logs: list[logging.LogRecord],
    transport: ApiKeyTransport,
) -> None:
    fake_server.on("GET", "/model/registry", json_reply(200, registry_answer()))
    fake_server.on("POST", ROUTE, json_reply(200, {"predictions": []}))
    call(secret_client(fake_server.url, transport), "infer", item_image(0), model_id=MODEL_ID)
    _sent_secrets(fake_server, transport)
    assert any(r.name == "httpx" for r in logs)
    assert any(r.name.startswith("httpcore") for r in logs)
    assert_hidden(log_texts(logs))


@pytest.mark.parametrize("transport", TRANSPORTS, ids=lambda t: t.value)
def test_registry_calls_with_the_key_in_the_query_log_no_secret(
    fake_server: FakeServer,
    call: Caller,
    logs: list[logging.LogRecord],
    transport: ApiKeyTransport,
) -> None:
    fake_server.on("GET", "/model/registry", json_reply(403, {"message": ECHO}))
    with pytest.raises(RFClientError) as caught:
        call(secret_client(fake_server.url, transport), "list_loaded_models")
    sent = fake_server.requests[0].param("api_key")
    assert sent == (None if transport is ApiKeyTransport.HEADER else API_KEY)
    assert_hidden(error_texts(caught.value) + log_texts(logs))


def _image_url(server: FakeServer, path: str) -> str:
    return f"{server.url}{path}?api_key={API_KEY}&token={SERVICE_SECRET}"


@pytest.mark.parametrize(
    ("path", "reply"),
    [
        ("/missing.png", json_reply(404, {"message": ECHO})),
        ("/slow.png", delay(2.0, raw_reply(200, b"x", "image/png"))),
        ("/reset.png", reset()),
        ("/loop.png", redirect(f"/loop.png?api_key={API_KEY}")),
        ("/huge.png", raw_reply(200, b"\x89PNG" + b"0" * 2_000_000, "image/png")),
    ],
    ids=["404", "timeout", "reset", "redirect-loop", "too-large"],
)
def test_a_failed_url_image_download_shows_no_secret(
    fake_server: FakeServer,
    call: Caller,
    logs: list[logging.LogRecord],
    path: str,
    reply: Reply,
) -> None:
    import httpx

    from rf_client import URLImagePolicy

    fake_server.on("GET", "/model/registry", json_reply(200, registry_answer()))
    fake_server.on("GET", path, reply)
    policy = URLImagePolicy(timeout=httpx.Timeout(0.3), max_bytes=1_000_000, max_redirects=2)
    client = secret_client(fake_server.url, ApiKeyTransport.BOTH).with_options(
        url_image_policy=policy
    )
    with pytest.raises(RFClientError) as caught:
        call(client, "infer", _image_url(fake_server, path), model_id=MODEL_ID)
    image_requests = fake_server.requests_to("GET", path)
    assert image_requests, "the image URL was never requested"
    # The download never carries the client's credentials.
    assert "authorization" not in image_requests[0].headers
    assert_hidden(error_texts(caught.value) + log_texts(logs))


BAD_INPUTS: dict[str, Callable[[Path], dict[str, Any]]] = {
    "model-id": lambda tmp: {"inference_input": item_image(0), "model_id": f"a b/{API_KEY}"},
    "missing-file": lambda tmp: {
        "inference_input": str(tmp / f"{API_KEY}.png"),
        "model_id": MODEL_ID,
    },
    "empty-file": lambda tmp: {
        "inference_input": _empty(tmp / f"{SERVICE_SECRET}.jpg"),
        "model_id": MODEL_ID,
    },
    "ftp-url": lambda tmp: {
        "inference_input": f"ftp://host/{API_KEY}?k={SERVICE_SECRET}",
        "model_id": MODEL_ID,
    },
}


def _empty(path: Path) -> str:
    path.write_bytes(b"")
    return str(path)


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_errors_show_no_secret(
    fake_server: FakeServer,
    call: Caller,
    logs: list[logging.LogRecord],
    tmp_path: Path,
    case: str,
) -> None:
    client = secret_client(fake_server.url, ApiKeyTransport.BOTH)
    with pytest.raises(RFClientError) as caught:
        call(client, "infer", **BAD_INPUTS[case](tmp_path))
    assert fake_server.requests == []
    assert_hidden(error_texts(caught.value) + log_texts(logs))


def test_an_api_key_with_a_line_break_is_refused_without_showing_it() -> None:
    with pytest.raises(RFClientError) as caught:
        InferenceHTTPClient("http://localhost:9001", API_KEY + "\n")
    assert_hidden(error_texts(caught.value))
    assert "line breaks" in str(caught.value)


def test_objects_show_no_secret_in_their_repr(fake_server: FakeServer) -> None:
    client = secret_client(fake_server.url, ApiKeyTransport.BOTH)
    copy = client.with_options(timeout=3)
    context = client._context()
    request = context.authorised(
        Request(
            "POST",
            "/infer/x",
            "POST /infer/x",
            params={"api_key": API_KEY, "service_secret": SERVICE_SECRET},
            json={"api_key": context.legacy_api_key()},
            content=API_KEY,
        )
    )
    reply = HTTPReply(401, {"x-echo": API_KEY}, ECHO.encode(), "POST /infer/x")
    texts = [
        repr(client),
        str(client),
        repr(copy),
        repr(client.inference_configuration),
        str(client.inference_configuration),
        repr(context),
        repr(context.configuration),
        repr(client.options),
        repr(request),
        repr(reply),
        repr(status_error(reply)),
        repr(client.typed),
    ]
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert "Authorization" in repr(request)
    assert_hidden(texts)


def test_redaction_outlives_the_client_for_errors_it_raised(fake_server: FakeServer) -> None:
    fake_server.on("GET", "/info", json_reply(401, {"message": ECHO}))
    client = secret_client(fake_server.url, ApiKeyTransport.BOTH)
    with pytest.raises(RFClientError) as caught:
        client.get_server_info()
    del client
    assert_hidden(error_texts(caught.value))


def test_suppressed_contexts_are_dropped_not_just_hidden(fake_server: FakeServer) -> None:
    body = f'{{"a": "{API_KEY}", "b": "'.encode() + b"\xff"
    fake_server.on("GET", "/info", raw_reply(200, body, "application/json"))
    client = InferenceHTTPClient(fake_server.url, API_KEY)
    with pytest.raises(RFClientError) as caught:
        client.get_server_info()
    assert "UnicodeDecodeError" in str(caught.value)
    assert caught.value.__context__ is None
    assert caught.value.__cause__ is None


# The redaction primitives.


def test_registered_secrets_are_replaced_raw_and_url_encoded() -> None:
    secret = "sk+odd/chars=9x"
    register_secret(secret)
    try:
        quoted, plus = urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret)
        text = f"a {secret} b {quoted} c {plus}"
        assert redact(text) == f"a {REDACTED} b {REDACTED} c {REDACTED}"
    finally:
        release_secret(secret)
    assert redact(secret) == secret


def test_short_secrets_are_replaced_only_as_whole_tokens() -> None:
    register_secret("key")
    try:
        assert redact("key") == REDACTED
        assert redact("Bearer key") == f"Bearer {REDACTED}"
        assert redact("keyboard monkey") == "keyboard monkey"
    finally:
        release_secret("key")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GET /x?api_key=abc123&b=1", f"GET /x?api_key={REDACTED}&b=1"),
        ("/x?service_secret=s3&api_key=k", f"/x?service_secret={REDACTED}&api_key={REDACTED}"),
        ('{"api_key": "abc", "x": 1}', f'{{"api_key": "{REDACTED}", "x": 1}}'),
        ("{'service_secret': 'abc'}", f"{{'service_secret': '{REDACTED}'}}"),
        ("Authorization: Bearer abc.def", f"Authorization: Bearer {REDACTED}"),
        ("nothing to hide", "nothing to hide"),
    ],
)
def test_secret_fields_are_replaced_whatever_their_value(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_redact_value_hides_secret_fields_in_nested_bodies() -> None:
    body = {"detail": [{"input": {"api_key": "zzz", "Authorization": "Bearer q"}, "n": 1}]}
    assert redact_value(body) == {
        "detail": [{"input": {"api_key": REDACTED, "Authorization": REDACTED}, "n": 1}]
    }


def test_a_secret_cut_by_the_excerpt_window_leaves_no_part_of_it() -> None:
    register_secret(API_KEY)
    try:
        for cut in range(1, len(API_KEY)):
            content = b"x" * (4096 - cut) + API_KEY.encode() + b"y" * 10
            text = redacted_text(content, max_bytes=4096)
            assert API_KEY[:cut] not in text[-len(API_KEY) :]
            assert API_KEY[:4] not in body_excerpt(content, limit=5000)
    finally:
        release_secret(API_KEY)


def test_display_url_drops_user_info_query_and_fragment() -> None:
    url = f"https://user:{API_KEY}@images.example:8443/a/b.jpg?api_key={API_KEY}#frag"
    assert display_url(url) == "https://images.example:8443/a/b.jpg?..."
    assert display_url("http://[::1/x") == "http://..."


def test_the_log_filter_redacts_message_arguments_and_traceback() -> None:
    register_secret(API_KEY)
    try:
        try:
            raise ValueError(f"boom {API_KEY}")
        except ValueError:
            import sys

            record = logging.LogRecord(
                "httpx", logging.INFO, __file__, 1, "url %s", (f"/?k={API_KEY}",), sys.exc_info()
            )
        assert RedactingFilter().filter(record)
        formatted = logging.Formatter().format(record)
        assert API_KEY not in formatted
        assert "boom ***" in formatted
    finally:
        release_secret(API_KEY)


def test_releasing_a_secret_never_waits_for_the_lock() -> None:
    # A client's __del__ can run (garbage collection) inside register_secret, in the same
    # thread, with the lock held: the release must be deferred, not wait (a deadlock).
    import rf_client._redaction as redaction

    register_secret("sk-deferred-release-1")
    with redaction._lock:
        release_secret("sk-deferred-release-1")
        assert redact("sk-deferred-release-1") == REDACTED  # still hidden meanwhile
    register_secret("sk-another-secret-2")
    try:
        assert redact("sk-deferred-release-1") == "sk-deferred-release-1"
    finally:
        release_secret("sk-another-secret-2")
    assert redact("sk-another-secret-2") == "sk-another-secret-2"


def test_collecting_clients_while_registering_does_not_deadlock() -> None:
    import gc

    for index in range(200):
        client = InferenceHTTPClient("http://localhost:9001", f"sk-cycle-{index:04d}-key")
        client._cycle = client  # type: ignore[attr-defined]  # only the GC can free it
        del client
    gc.collect()
    assert redact("sk-cycle-0001-key") == "sk-cycle-0001-key"


def test_errors_leaving_a_plan_carry_no_third_party_exception(call: Caller) -> None:
    from rf_client._plan import Plan, sleep
    from rf_client.errors import InvalidInputError

    def failing_plan() -> Plan[None]:
        yield from sleep(0)
        try:
            raise ValueError(f"https://x/?api_key={API_KEY}")
        except ValueError as error:
            raise InvalidInputError("implicitly chained") from error

    client = InferenceHTTPClient("http://localhost:9001", API_KEY)
    with pytest.raises(InvalidInputError) as caught:
        call.run_plan(client, failing_plan())
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None
    assert_hidden(error_texts(caught.value))
