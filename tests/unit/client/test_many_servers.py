"""One client over several loopback servers: balancing, failover, health, pinning, rules."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from rf_client import (
    APIConnectionError,
    APITimeoutError,
    InferenceConfiguration,
    InferenceHTTPClient,
    InternalServerError,
    InvalidParameterError,
    NotFoundError,
)
from rf_client._nodes import FIRST_BACKOFF
from tests.support.canned import serve_model
from tests.support.clock import Clock
from tests.support.fake_server import FakeServer, RecordedRequest, Reply, json_reply, reset
from tests.unit.workflows.workflows_support import run_reply, specification

ROUTE = "/infer/object_detection"
NAMES = ["chelsea.png", "rocket.jpg", "coffee.png", "astronaut.png", "page.png"]
WIDTHS = [451, 640, 600, 512, 384]


@pytest.fixture
def servers() -> Iterator[Callable[[], FakeServer]]:
    """Starts fake servers on demand; stops them all at the end."""
    started: list[FakeServer] = []

    def start() -> FakeServer:
        server = FakeServer().start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def dead_url() -> str:
    """The URL of a port nothing listens on (connections are refused)."""
    server = FakeServer().start()
    url = server.url
    server.stop()
    return url


def hand_clock(client: InferenceHTTPClient) -> Clock:
    clock = Clock()
    client._pools.nodes._clock = clock
    return clock


def held_until(gate: threading.Event) -> Callable[[RecordedRequest], Reply]:
    """A handler that answers only once ``gate`` is set (or after 10 s)."""

    def answer(request: RecordedRequest) -> Reply:
        gate.wait(10)
        return run_reply([])

    return answer


def serving_pair(
    servers: Callable[[], FakeServer], concurrency: int
) -> tuple[FakeServer, FakeServer, InferenceHTTPClient]:
    """Two servers serving coco/3 and a client over both with ``concurrency`` requests."""
    first, second = servers(), servers()
    serve_model(first)
    serve_model(second)
    client = InferenceHTTPClient([first.url, second.url]).configure(
        InferenceConfiguration(max_concurrent_requests=concurrency)
    )
    return first, second, client


def paths(images_dir: Path, repeat: int = 1) -> list[str]:
    return [str(images_dir / name) for name in NAMES] * repeat


# Construction.


def test_a_list_of_urls_makes_one_client_over_them() -> None:
    client = InferenceHTTPClient(["http://10.0.0.1:9001/", "http://10.0.0.2:9001"], "secret-key")
    assert client.api_urls == ("http://10.0.0.1:9001", "http://10.0.0.2:9001")
    assert client.api_url == "http://10.0.0.1:9001"
    assert [s.url for s in client.node_stats()] == list(client.api_urls)
    assert repr(client).startswith(
        "InferenceHTTPClient(api_url=['http://10.0.0.1:9001', 'http://10.0.0.2:9001'], "
    )
    assert "secret-key" not in repr(client)
    copy = InferenceHTTPClient.init(api_url=("http://a:9001", "http://b:9001")).with_options(
        max_retries=0
    )
    assert copy.api_urls == ("http://a:9001", "http://b:9001")
    single = InferenceHTTPClient("http://a:9001")
    assert single.api_urls == ("http://a:9001",)
    assert repr(single).startswith("InferenceHTTPClient(api_url='http://a:9001', ")


@pytest.mark.parametrize(
    ("urls", "says"),
    [
        ([], "empty list"),
        (["http://a:9001", "http://a:9001/"], "twice"),
        (["http://a:9001", "https://detect.roboflow.com"], "mixes the hosted API"),
        (["http://a:9001", 42], r"http\(s\) URL"),
    ],
)
def test_bad_lists_of_urls_are_refused_naming_them(urls: list[object], says: str) -> None:
    with pytest.raises(InvalidParameterError, match=says):
        InferenceHTTPClient(urls, "k")  # type: ignore[arg-type]


def test_refusals_show_urls_without_credentials_or_query() -> None:
    urls = ["http://user:hunter2@10.0.0.1:9001", "http://user:hunter2@10.0.0.1:9001"]
    with pytest.raises(InvalidParameterError) as caught:
        InferenceHTTPClient(urls)
    assert "hunter2" not in str(caught.value)
    assert "http://***@10.0.0.1:9001" in str(caught.value)


# Balancing.


def test_ties_alternate_and_every_node_gets_work(
    servers: Callable[[], FakeServer], images_dir: Path
) -> None:
    a, b, client = serving_pair(servers, concurrency=1)
    results = client.infer(paths(images_dir, 2), model_id="coco/3")
    assert [r["image"]["width"] for r in results] == WIDTHS * 2
    # One at a time: every choice is a tie, so the nodes alternate.
    assert len(a.requests_to("POST", ROUTE)) == 5
    assert len(b.requests_to("POST", ROUTE)) == 5
    stats = client.node_stats()
    assert sum(s.succeeded for s in stats) == 11  # 10 images and one registry lookup
    assert all(s.healthy and s.in_flight == 0 for s in stats)


def test_a_slow_node_gets_less_work(servers: Callable[[], FakeServer], images_dir: Path) -> None:
    slow, fast, client = serving_pair(servers, concurrency=2)
    release = threading.Event()
    fast_done = 0
    lock = threading.Lock()
    answer_fast = fast._route("POST", ROUTE)
    answer_slow = slow._route("POST", ROUTE)
    assert answer_fast is not None
    assert answer_slow is not None

    def slow_answer(request: RecordedRequest) -> Reply:
        release.wait(10)  # held until the fast node served the rest
        return answer_slow.next_reply(request)

    def fast_answer(request: RecordedRequest) -> Reply:
        nonlocal fast_done
        reply = answer_fast.next_reply(request)
        with lock:
            fast_done += 1
            if fast_done == 9:
                release.set()
        return reply

    slow.on("POST", ROUTE, handler=slow_answer)
    fast.on("POST", ROUTE, handler=fast_answer)
    client.get_model_description("coco/3")  # the lookup goes to the slow node
    results = client.infer(paths(images_dir, 2), model_id="coco/3")
    assert [r["image"]["width"] for r in results] == WIDTHS * 2
    assert len(slow.requests_to("POST", ROUTE)) == 1
    assert len(fast.requests_to("POST", ROUTE)) == 9


# Health and failover.


def test_a_refusing_node_is_taken_out_and_its_request_re_sent_for_free(
    servers: Callable[[], FakeServer], images_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    alive = servers()
    serve_model(alive)
    dead = dead_url()
    # max_retries=0: moving to another node is not a retry.
    client = InferenceHTTPClient([dead, alive.url], "secret-key").with_options(max_retries=0)
    with caplog.at_level(logging.INFO, logger="rf_client"):
        results = client.infer(paths(images_dir), model_id="coco/3")
    assert [r["image"]["width"] for r in results] == WIDTHS
    down, up = client.node_stats()
    assert (down.healthy, down.failed, down.down_for > 0) == (False, 1, True)
    assert (up.healthy, up.succeeded) == (True, 6)
    logged = caplog.text
    assert f"{dead} is out of rotation" in logged
    assert "secret-key" not in logged


def test_a_node_dying_mid_batch_loses_nothing(
    servers: Callable[[], FakeServer], images_dir: Path
) -> None:
    dying, healthy, client = serving_pair(servers, concurrency=4)
    served = 0
    lock = threading.Lock()
    answer = dying._route("POST", ROUTE)
    assert answer is not None

    def die_after_two(request: RecordedRequest) -> Reply:
        nonlocal served
        with lock:
            served += 1
            if served > 2:
                return reset()
        return answer.next_reply(request)

    dying.on("POST", ROUTE, handler=die_after_two)
    client.get_model_description("coco/3")
    results = client.infer(paths(images_dir, 4), model_id="coco/3")
    assert [r["image"]["width"] for r in results] == WIDTHS * 4
    answered_by_dying = 2
    assert len(healthy.requests_to("POST", ROUTE)) == 20 - answered_by_dying
    assert client.node_stats()[0].healthy is False


def test_a_node_out_of_rotation_is_probed_after_its_backoff_and_rejoins(
    servers: Callable[[], FakeServer], images_dir: Path
) -> None:
    flaky, steady, client = serving_pair(servers, concurrency=1)
    clock = hand_clock(client)
    client.get_model_description("coco/3")  # flaky answers; steady is next in turn
    answer = flaky._route("POST", ROUTE)
    assert answer is not None
    flaky.on("POST", ROUTE, json_reply(503), handler=None)
    image = str(images_dir / "chelsea.png")
    client.infer(image, model_id="coco/3")  # steady (round robin)
    client.infer(image, model_id="coco/3")  # flaky: 503, out; re-sent to steady
    assert client.node_stats()[0].healthy is False
    client.infer(image, model_id="coco/3")  # steady only, no probe yet
    assert flaky.requests_to("GET", "/info") == []
    flaky.on("POST", ROUTE, handler=answer.next_reply)  # it recovered
    clock.now += FIRST_BACKOFF
    client.infer(image, model_id="coco/3")  # probe (404 is an answer), then flaky itself
    assert len(flaky.requests_to("GET", "/info")) == 1
    assert "authorization" not in flaky.requests_to("GET", "/info")[0].headers
    assert client.node_stats()[0].healthy is True
    assert len(flaky.requests_to("POST", ROUTE)) == 2
    assert len(steady.requests_to("POST", ROUTE)) == 3


def test_a_failed_probe_doubles_the_backoff(
    servers: Callable[[], FakeServer], images_dir: Path
) -> None:
    steady = servers()
    serve_model(steady)
    client = InferenceHTTPClient([dead_url(), steady.url])
    clock = hand_clock(client)
    image = str(images_dir / "chelsea.png")
    client.infer(image, model_id="coco/3")
    assert client.node_stats()[0].down_for == FIRST_BACKOFF
    clock.now += FIRST_BACKOFF
    client.infer(image, model_id="coco/3")  # probe refused: out again, for twice as long
    assert client.node_stats()[0].down_for == 2 * FIRST_BACKOFF
    assert client.node_stats()[1].succeeded == 3


def test_every_node_down_names_them_all_without_secrets() -> None:
    urls = [
        dead_url().replace("http://", "http://user:hunter2@"),
        dead_url() + "/?token=abc",
    ]
    client = InferenceHTTPClient(urls, "secret-key").with_options(max_retries=0)
    with pytest.raises(APIConnectionError) as caught:
        client.get_server_info()
    message = str(caught.value)
    shown = [s.url for s in client.node_stats()]
    assert shown[0].startswith("http://***@127.0.0.1:")
    assert all(url in message for url in shown)
    assert "every one is out of rotation" in message
    for secret in ("hunter2", "secret-key", "token=abc"):
        assert secret not in message
        assert secret not in repr(caught.value.__cause__ or "")
    with pytest.raises(APIConnectionError, match="no server can take the request"):
        client.get_server_info()  # still in their backoff: nothing is sent


def test_a_500_is_retried_with_backoff_not_taken_as_a_node_failure(
    servers: Callable[[], FakeServer],
) -> None:
    a, b = servers(), servers()
    a.on("GET", "/info", json_reply(500, {"message": "boom"}))
    b.on("GET", "/info", json_reply(500, {"message": "boom"}))
    client = InferenceHTTPClient([a.url, b.url]).with_options(max_retries=1)
    with pytest.raises(InternalServerError, match=r"GET /info on http://127\.0\.0\.1:\d+ failed"):
        client.get_server_info()
    assert len(a.requests) + len(b.requests) == 2
    assert all(s.healthy for s in client.node_stats())


# Non-idempotent requests.


def test_a_workflow_run_that_timed_out_is_not_re_sent_to_another_node(
    servers: Callable[[], FakeServer],
) -> None:
    hung, other = servers(), servers()
    gate = threading.Event()
    hung.on("POST", "/workflows/run", handler=held_until(gate))
    other.on("POST", "/workflows/run", run_reply([{"count": 1}]))
    client = InferenceHTTPClient([hung.url, other.url], timeout=0.3)
    try:
        with pytest.raises(APITimeoutError, match=f"on {hung.url}"):
            client.run_workflow(specification=specification("qr_and_barcode"))
    finally:
        gate.set()
    assert other.requests == []
    assert client.node_stats()[0].healthy is False


def test_a_workflow_run_that_failed_with_500_is_not_re_sent(
    servers: Callable[[], FakeServer],
) -> None:
    failing, other = servers(), servers()
    failing.on("POST", "/workflows/run", json_reply(500, {"message": "sink failed"}))
    other.on("POST", "/workflows/run", run_reply([]))
    client = InferenceHTTPClient([failing.url, other.url])
    with pytest.raises(InternalServerError, match=f"on {failing.url}"):
        client.run_workflow(specification=specification("qr_and_barcode"))
    assert len(failing.requests) == 1
    assert other.requests == []
    assert client.node_stats()[0].healthy is True  # a 500 says nothing about the node


@pytest.mark.parametrize("refusal", ["connection", "503"])
def test_a_workflow_run_the_node_refused_goes_to_another(
    servers: Callable[[], FakeServer], refusal: str
) -> None:
    other = servers()
    other.on("POST", "/workflows/run", run_reply([{"count": 1}]))
    if refusal == "503":
        refusing = servers()
        refusing.on("POST", "/workflows/run", json_reply(503))
        first = refusing.url
    else:
        first = dead_url()
    client = InferenceHTTPClient([first, other.url])
    result = client.run_workflow(specification=specification("qr_and_barcode"))
    assert result == [{"count": 1}]
    assert len(other.requests_to("POST", "/workflows/run")) == 1


# Per-node state.


def test_load_model_goes_to_every_node_and_names_the_one_that_failed(
    servers: Callable[[], FakeServer],
) -> None:
    a, b = servers(), servers()
    serve_model(a, "coco/3")
    serve_model(b, "other/1")
    client = InferenceHTTPClient([a.url, b.url])
    loaded = client.load_model("coco/3")
    assert len(a.requests_to("POST", "/model/add")) == 1
    assert len(b.requests_to("POST", "/model/add")) == 1
    assert sorted(m.model_id for m in loaded.models) == ["coco/3", "other/1"]
    listed = client.list_loaded_models()
    assert sorted(m.model_id for m in listed.models) == ["coco/3", "other/1"]
    b.on("POST", "/model/add", json_reply(400, {"message": "no such model"}))
    with pytest.raises(Exception, match=f"POST /model/add on {b.url}") as caught:
        client.with_options(max_retries=0).load_model("coco/3")
    batch = getattr(caught.value, "batch", None)
    assert batch is not None
    assert batch.failed_indexes == [1]
    for server in (a, b):
        server.on("POST", "/model/clear", json_reply(200, {"models": []}))
    assert client.unload_all_models().models == []
    assert len(a.requests_to("POST", "/model/clear")) == 1
    assert len(b.requests_to("POST", "/model/clear")) == 1


def test_model_descriptions_are_cached_per_node(
    servers: Callable[[], FakeServer], images_dir: Path
) -> None:
    a, b, client = serving_pair(servers, concurrency=1)
    client.infer([str(images_dir / "chelsea.png")] * 3, model_id="coco/3")
    first, second = client._pools.nodes.nodes
    assert first.cache.get("coco/3") is not None
    assert second.cache.get("coco/3") is None
    assert len(a.requests_to("GET", "/model/registry")) == 1
    assert b.requests_to("GET", "/model/registry") == []


# Pipelines.

STARTED = {"status": "success", "context": {"request_id": "r", "pipeline_id": "pipe-a"}}
STATUS = {"status": "success", "context": {"request_id": "r", "pipeline_id": "pipe-a"}}


def test_a_pipeline_is_commanded_on_the_node_that_started_it(
    servers: Callable[[], FakeServer],
) -> None:
    a, b = servers(), servers()
    for server in (a, b):
        server.on("POST", "/inference_pipelines/initialise", json_reply(200, STARTED))
        server.on("GET", "/inference_pipelines/pipe-a/status", json_reply(200, STATUS))
        server.on("POST", "/inference_pipelines/pipe-a/terminate", json_reply(200, STATUS))
    client = InferenceHTTPClient([a.url, b.url])
    started = client.start_inference_pipeline_with_workflow(
        video_reference="rtsp://camera/1", workspace_name="w", workflow_id="f"
    )
    assert started["context"]["pipeline_id"] == "pipe-a"
    for _ in range(3):  # round robin would alternate: the pipeline stays on a
        client.get_inference_pipeline_status("pipe-a")
    client.terminate_inference_pipeline("pipe-a")
    assert len(a.requests_to("GET", "/inference_pipelines/pipe-a/status")) == 3
    assert len(a.requests_to("POST", "/inference_pipelines/pipe-a/terminate")) == 1
    assert [r.path for r in b.requests] == []


def test_an_unknown_pipeline_is_looked_for_on_every_node(
    servers: Callable[[], FakeServer],
) -> None:
    a, b = servers(), servers()
    b.on("GET", "/inference_pipelines/elsewhere/status", json_reply(200, STATUS))
    b.on("GET", "/inference_pipelines/list", json_reply(200, {"pipelines": ["elsewhere"]}))
    a.on("GET", "/inference_pipelines/list", json_reply(200, {"pipelines": ["mine"]}))
    client = InferenceHTTPClient([a.url, b.url])
    assert client.get_inference_pipeline_status("elsewhere") == STATUS
    assert client.get_inference_pipeline_status("elsewhere") == STATUS
    assert len(a.requests) == 1  # asked once (404), then remembered on b
    assert client.list_inference_pipelines()["pipelines"] == ["mine", "elsewhere"]
    with pytest.raises(NotFoundError, match="not running on any of the servers") as caught:
        client.get_inference_pipeline_status("nowhere")
    assert a.url in str(caught.value)
    assert b.url in str(caught.value)


# Async.


def test_async_calls_spread_and_fail_over_too(
    servers: Callable[[], FakeServer], images_dir: Path
) -> None:
    alive = servers()
    serve_model(alive)
    client = InferenceHTTPClient([dead_url(), alive.url]).configure(
        InferenceConfiguration(max_concurrent_requests=3)
    )

    async def main() -> list[int]:
        results = await client.infer_async(paths(images_dir, 2), model_id="coco/3")
        await client.aclose()
        return [r["image"]["width"] for r in results]

    assert asyncio.run(main()) == WIDTHS * 2
    assert client.node_stats()[0].healthy is False
    assert len(alive.requests_to("POST", ROUTE)) == 10


def test_async_workflow_run_that_timed_out_is_not_repeated(
    servers: Callable[[], FakeServer],
) -> None:
    hung, other = servers(), servers()
    gate = threading.Event()
    hung.on("POST", "/workflows/run", handler=held_until(gate))
    other.on("POST", "/workflows/run", run_reply([]))
    client = InferenceHTTPClient([hung.url, other.url], timeout=0.3)

    async def main() -> None:
        await client.run_workflow_async(specification=specification("qr_and_barcode"))

    try:
        with pytest.raises(APITimeoutError):
            asyncio.run(main())
    finally:
        gate.set()
    assert other.requests == []


def test_streams_spread_their_frames(servers: Callable[[], FakeServer], images_dir: Path) -> None:
    a, b, client = serving_pair(servers, concurrency=1)
    frames = list(client.infer_on_stream(str(images_dir), model_id="coco/3"))
    assert len(frames) == len(list(images_dir.glob("*.*"))) - 1  # the README is no frame
    total = len(a.requests_to("POST", ROUTE)) + len(b.requests_to("POST", ROUTE))
    assert total == len(frames)
    assert a.requests_to("POST", ROUTE)
    assert b.requests_to("POST", ROUTE)


def test_a_down_server_does_not_hide_a_pipeline_running_on_another(
    servers: Callable[[], FakeServer],
) -> None:
    alive = servers()
    alive.on("GET", "/inference_pipelines/p/status", json_reply(200, STATUS))
    client = InferenceHTTPClient([dead_url(), alive.url]).with_options(max_retries=0)
    assert client.get_inference_pipeline_status("p") == STATUS
    with pytest.raises(APIConnectionError):  # maybe on the unreachable one: no "not found"
        client.get_inference_pipeline_status("other")


# The rest of the surface over the set.


def test_copies_contexts_and_the_typed_api_share_the_servers(
    servers: Callable[[], FakeServer], images_dir: Path
) -> None:
    a, b, client = serving_pair(servers, concurrency=1)
    copy = client.with_options(max_retries=0)
    image = str(images_dir / "chelsea.png")
    with copy.use_model("coco/3"):
        assert copy.infer(image)["image"]["width"] == 451
    typed = client.typed.infer.object_detection(image, model_id="coco/3")
    assert typed.image.width == 451
    stats = client.node_stats()
    assert stats == copy.node_stats()
    assert sum(s.succeeded for s in stats) == 3  # one lookup (the copy shares the caches), two runs
    assert len(a.requests_to("POST", ROUTE)) + len(b.requests_to("POST", ROUTE)) == 2
