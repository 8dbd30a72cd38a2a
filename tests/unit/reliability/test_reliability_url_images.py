"""Images given as URLs: timeout, size cap, redirect limit, and the private-address policy."""

from __future__ import annotations

import httpx
import pytest

from rf_client import (
    ApiKeyTransport,
    EncodingError,
    InferenceConfiguration,
    InferenceHTTPClient,
    InvalidURLImageInput,
    URLAddressNotAllowedError,
    URLImagePolicy,
)
from rf_client._http import Reply as HTTPReply
from rf_client._http import Request
from rf_client._plan import ResolveHost, Transmit, transmit
from rf_client._url_images import download_image, is_public_address
from tests.support.fake_server import FakeServer, Reply, delay, raw_reply, redirect
from tests.unit.reliability.reliability_support import (
    MODEL_ID,
    Caller,
    ScriptedModel,
    item_image,
    item_of,
)

PNG = item_image(3)


def client_for(server: FakeServer, **policy: object) -> InferenceHTTPClient:
    """A client of ``server`` whose URL images follow ``URLImagePolicy(**policy)``."""
    return InferenceHTTPClient(
        server.url,
        "key-abc-123",
        url_image_policy=URLImagePolicy(**policy),  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("transport", list(ApiKeyTransport), ids=lambda t: t.value)
def test_a_url_image_is_downloaded_by_the_client_without_credentials(
    fake_server: FakeServer, call: Caller, transport: ApiKeyTransport
) -> None:
    ScriptedModel(fake_server)
    fake_server.on("GET", "/photo.png", raw_reply(200, PNG, "image/png"))
    client = client_for(fake_server).configure(InferenceConfiguration(api_key_transport=transport))
    result = call(client, "infer", f"{fake_server.url}/photo.png?size=big", model_id=MODEL_ID)
    assert item_of(result) == 3
    [download] = fake_server.requests_to("GET", "/photo.png")
    assert download.query == {"size": ["big"]}
    assert "authorization" not in download.headers
    assert "key-abc-123" not in repr(download)


def test_an_announced_size_over_the_cap_is_refused_before_reading(
    fake_server: FakeServer, call: Caller
) -> None:
    ScriptedModel(fake_server)
    fake_server.on("GET", "/big.png", raw_reply(200, PNG + b"\0" * 5000, "image/png"))
    client = client_for(fake_server, max_bytes=1000)
    with pytest.raises(InvalidURLImageInput, match=r"max_bytes=1000.*bytes announced"):
        call(client, "infer", f"{fake_server.url}/big.png", model_id=MODEL_ID)


def test_a_streamed_body_over_the_cap_is_aborted(fake_server: FakeServer, call: Caller) -> None:
    ScriptedModel(fake_server)
    body = PNG + b"\0" * 300_000
    fake_server.on("GET", "/big.png", Reply(200, body, {"Content-Type": "image/png"}, chunked=True))
    client = client_for(fake_server, max_bytes=100_000)
    with pytest.raises(InvalidURLImageInput, match=r"max_bytes=100000 \(more than 100000 bytes\)"):
        call(client, "infer", f"{fake_server.url}/big.png", model_id=MODEL_ID)


def test_a_body_at_the_cap_is_accepted(fake_server: FakeServer, call: Caller) -> None:
    ScriptedModel(fake_server)
    fake_server.on("GET", "/ok.png", Reply(200, PNG, {"Content-Type": "image/png"}, chunked=True))
    client = client_for(fake_server, max_bytes=len(PNG))
    assert item_of(call(client, "infer", f"{fake_server.url}/ok.png", model_id=MODEL_ID)) == 3


def _redirect_chain(server: FakeServer, hops: int) -> str:
    for hop in range(hops):
        # Relative and absolute locations, as servers send both.
        target = f"/hop{hop + 1}" if hop % 2 else f"{server.url}/hop{hop + 1}"
        server.on("GET", f"/hop{hop}", redirect(target, 307 if hop % 2 else 302))
    server.on("GET", f"/hop{hops}", raw_reply(200, PNG, "image/png"))
    return f"{server.url}/hop0"


def test_redirects_up_to_the_limit_are_followed(fake_server: FakeServer, call: Caller) -> None:
    ScriptedModel(fake_server)
    url = _redirect_chain(fake_server, 3)
    result = call(client_for(fake_server, max_redirects=3), "infer", url, model_id=MODEL_ID)
    assert item_of(result) == 3
    assert [r.path for r in fake_server.requests if r.path.startswith("/hop")] == [
        "/hop0",
        "/hop1",
        "/hop2",
        "/hop3",
    ]


def test_one_redirect_too_many_is_refused(fake_server: FakeServer, call: Caller) -> None:
    ScriptedModel(fake_server)
    url = _redirect_chain(fake_server, 3)
    with pytest.raises(InvalidURLImageInput, match="redirected more than 2 times"):
        call(client_for(fake_server, max_redirects=2), "infer", url, model_id=MODEL_ID)
    assert [r.path for r in fake_server.requests if r.path.startswith("/hop")] == [
        "/hop0",
        "/hop1",
        "/hop2",
    ]


def test_a_slow_image_host_times_out(fake_server: FakeServer, call: Caller) -> None:
    ScriptedModel(fake_server)
    fake_server.on("GET", "/slow.png", delay(3.0, raw_reply(200, PNG, "image/png")))
    client = client_for(fake_server, timeout=httpx.Timeout(0.3))
    with pytest.raises(InvalidURLImageInput, match=r"slow\.png' timed out"):
        call(client, "infer", f"{fake_server.url}/slow.png", model_id=MODEL_ID)
    assert len(fake_server.requests_to("GET", "/slow.png")) == 1  # downloads are not retried


@pytest.mark.parametrize(
    ("reply", "error", "message"),
    [
        (raw_reply(404, b"nope", "text/plain"), InvalidURLImageInput, "answered HTTP 404"),
        (raw_reply(200, b"", "image/png"), InvalidURLImageInput, "empty body"),
        (Reply(302, b"", {}), InvalidURLImageInput, r"redirect \(HTTP 302\) without a Location"),
        (raw_reply(200, b"<html>login</html>", "text/html"), EncodingError, "supported format"),
    ],
    ids=["404", "empty", "redirect-without-location", "not-an-image"],
)
def test_a_bad_image_host_answer_is_a_clear_error(
    fake_server: FakeServer, call: Caller, reply: Reply, error: type[Exception], message: str
) -> None:
    ScriptedModel(fake_server)
    fake_server.on("GET", "/x.png", reply)
    with pytest.raises(error, match=message) as caught:
        call(client_for(fake_server), "infer", f"{fake_server.url}/x.png", model_id=MODEL_ID)
    assert "/x.png" in str(caught.value)
    assert fake_server.requests_to("POST", "/infer/object_detection") == []


def test_one_failing_url_in_a_batch_loses_no_other_result(
    fake_server: FakeServer, call: Caller
) -> None:
    ScriptedModel(fake_server)
    fake_server.on("GET", "/good.png", raw_reply(200, PNG, "image/png"))
    fake_server.on("GET", "/bad.png", raw_reply(404, b"", "text/plain"))
    urls = [f"{fake_server.url}/{name}.png" for name in ("good", "bad", "good")]
    with pytest.raises(InvalidURLImageInput) as caught:
        call(client_for(fake_server), "infer", urls, model_id=MODEL_ID)
    assert caught.value.batch is not None
    assert caught.value.batch.failed_indexes == [1]
    results = caught.value.batch.results
    assert [item_of(r) if r else None for r in results] == [3, None, 3]


# The private-address policy.


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_private_addresses_are_refused_when_the_policy_says_so(
    fake_server: FakeServer, call: Caller, host: str
) -> None:
    ScriptedModel(fake_server)
    fake_server.on("GET", "/a.png", raw_reply(200, PNG, "image/png"))
    url = fake_server.url.replace("127.0.0.1", host) + "/a.png"
    client = client_for(fake_server, allow_private_addresses=False)
    with pytest.raises(URLAddressNotAllowedError) as caught:
        call(client, "infer", url, model_id=MODEL_ID)
    assert "allow_private_addresses=False" in str(caught.value)
    assert f"{host!r} resolves to" in str(caught.value)
    assert fake_server.requests_to("GET", "/a.png") == []


def test_private_addresses_are_allowed_by_default(fake_server: FakeServer, call: Caller) -> None:
    assert URLImagePolicy().allow_private_addresses is True
    ScriptedModel(fake_server)
    fake_server.on("GET", "/a.png", raw_reply(200, PNG, "image/png"))
    result = call(client_for(fake_server), "infer", f"{fake_server.url}/a.png", model_id=MODEL_ID)
    assert item_of(result) == 3


def _next_step(plan: object, value: object) -> object:
    return plan.send(value)  # type: ignore[attr-defined]


def test_every_redirect_hop_is_resolved_and_checked() -> None:
    policy = URLImagePolicy(allow_private_addresses=False)
    plan = download_image("http://images.example/a.jpg?sig=1", policy)
    step = next(plan)
    assert step == ResolveHost("images.example", 80)
    step = plan.send(["93.184.216.34"])
    assert isinstance(step, Transmit)
    # The connection goes to the address that was checked: no second lookup to rebind.
    assert step.request.connect_to == "93.184.216.34"
    assert step.request.url == "http://images.example/a.jpg?sig=1"
    assert "Authorization" not in step.request.headers
    hop = HTTPReply(302, {"location": "https://internal.example:8443/b.jpg"}, b"", "GET /a.jpg")
    step = plan.send(hop)
    assert step == ResolveHost("internal.example", 8443)
    with pytest.raises(URLAddressNotAllowedError) as caught:
        plan.send(["93.184.216.35", "10.0.0.7"])
    assert "redirected to 'https://internal.example:8443/b.jpg'" in str(caught.value)
    assert "10.0.0.7" in str(caught.value)


def test_a_redirect_to_a_metadata_address_literal_is_refused() -> None:
    plan = download_image(
        "http://images.example/a.jpg", URLImagePolicy(allow_private_addresses=False)
    )
    next(plan)
    plan.send(["93.184.216.34"])
    step = plan.send(HTTPReply(301, {"location": "http://169.254.169.254/latest/"}, b"", "GET /"))
    assert step == ResolveHost("169.254.169.254", 80)
    with pytest.raises(URLAddressNotAllowedError, match=r"169\.254\.169\.254"):
        plan.send(["169.254.169.254"])


def test_an_unresolvable_host_is_a_clear_error() -> None:
    plan = download_image(
        "http://nowhere.invalid/a.jpg", URLImagePolicy(allow_private_addresses=False)
    )
    next(plan)
    with pytest.raises(InvalidURLImageInput, match=r"cannot resolve 'nowhere\.invalid'"):
        plan.send(OSError(-2, "Name or service not known"))


def test_without_the_policy_no_host_is_resolved_by_the_client() -> None:
    plan = download_image("http://images.example/a.jpg", URLImagePolicy())
    step = next(plan)
    assert isinstance(step, Transmit)
    assert step.request.connect_to is None


def test_a_pinned_request_keeps_the_host_name_for_the_server(
    fake_server: FakeServer, call: Caller
) -> None:
    fake_server.on("GET", "/pinned.png", raw_reply(200, PNG, "image/png"))
    port = fake_server.url.rsplit(":", 1)[1]
    request = Request(
        "GET",
        f"http://images.example:{port}/pinned.png",
        "GET /pinned.png",
        connect_to="127.0.0.1",
        uses_client_timeout=False,
        timeout=httpx.Timeout(5.0),
    )
    client = InferenceHTTPClient(fake_server.url)
    reply = call.run_plan(client, transmit(request, client.options))
    assert isinstance(reply, HTTPReply)
    assert reply.status_code == 200
    [received] = fake_server.requests
    assert received.headers["host"] == f"images.example:{port}"


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("255.255.255.255", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("8.8.8.8", True),
        ("93.184.216.34", True),
        ("2606:4700:4700::1111", True),
        ("::ffff:8.8.8.8", True),
    ],
)
def test_which_addresses_are_public(address: str, public: bool) -> None:
    assert is_public_address(address) is public


def test_the_policy_is_documented() -> None:
    from rf_client._base_client import BaseClient

    doc = URLImagePolicy.__doc__ or ""
    for word in ("private", "loopback", "link-local", "redirect", "max_bytes", "timeout"):
        assert word in doc
    assert "allow_private_addresses=False" in (BaseClient.__doc__ or "")
