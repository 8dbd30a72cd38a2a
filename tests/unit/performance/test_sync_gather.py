"""The sync driver's Gather: plans step in the calling thread, blocking work in pool threads."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from rf_client import (
    InferenceConfiguration,
    InferenceHTTPClient,
    InvalidParameterError,
    ResponseValidationError,
    VisualisationResponseFormat,
    _plan,
    _results,
)
from rf_client._http import ClientOptions, Request
from rf_client._plan import Plan, SyncDriver, gather, offload, send, sleep
from rf_client.errors import APIConnectionError
from tests.support.canned import serve_model
from tests.support.fake_server import FakeServer, RecordedRequest, Reply, json_reply

MAIN = threading.get_ident


def driver_for(url: str = "http://127.0.0.1:9") -> SyncDriver:
    return SyncDriver(httpx.Client(), url)


class Tracker:
    """Counts the offloaded tasks running at once and where each plan's code ran."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.running = 0
        self.most = 0
        self.plan_threads: set[int] = set()
        self.work_threads: set[int] = set()
        self.started: list[int] = []
        self.closed: list[int] = []

    def work(self, seconds: float, value: int) -> Callable[[], int]:
        def run() -> int:
            with self._lock:
                self.running += 1
                self.most = max(self.most, self.running)
                self.work_threads.add(threading.get_ident())
            time.sleep(seconds)
            with self._lock:
                self.running -= 1
            return value

        return run

    def plan(self, index: int, seconds: float) -> Plan[int]:
        try:
            self.started.append(index)
            self.plan_threads.add(threading.get_ident())
            value = yield from offload(self.work(seconds, index * 10))
            self.plan_threads.add(threading.get_ident())
            return value + 1
        finally:
            self.closed.append(index)


def test_outcomes_come_in_input_order_with_at_most_limit_running() -> None:
    tracker = Tracker()
    # Later plans finish first: the order must follow the input, not completion.
    plans = (tracker.plan(i, 0.02 * (6 - i)) for i in range(6))
    outcomes = list(driver_for().iter_ordered(plans, limit=3))
    assert [o.unwrap() for o in outcomes] == [1, 11, 21, 31, 41, 51]
    assert tracker.most == 3
    assert tracker.plan_threads == {MAIN()}
    assert MAIN() not in tracker.work_threads


def test_a_single_plan_runs_in_the_calling_thread_without_a_pool() -> None:
    tracker = Tracker()
    outcomes = list(driver_for().iter_ordered(iter([tracker.plan(0, 0.0)]), limit=8))
    assert [o.unwrap() for o in outcomes] == [1]
    assert tracker.work_threads == {MAIN()}


def test_finished_outcomes_waiting_for_a_slow_first_plan_are_bounded() -> None:
    tracker = Tracker()
    plans = (tracker.plan(i, 0.3 if i == 0 else 0.0) for i in range(20))
    iterator = driver_for().iter_ordered(plans, limit=2, max_buffered=3)
    first = next(iterator)
    # While plan 0 ran, one slot turned over at most max_buffered times.
    assert first.unwrap() == 1
    assert len(tracker.started) <= 2 + 3
    assert [o.unwrap() for o in iterator] == [i * 10 + 1 for i in range(1, 20)]


def test_requests_are_built_in_the_calling_thread_and_exchanged_in_the_pool(
    fake_server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_server.on("POST", "/echo", json_reply(200, {"ok": True}))
    built_in: set[int] = set()
    exchanged_in: set[int] = set()
    original_build, original_exchange = _plan._build, SyncDriver._exchange

    def build(*args: Any) -> Any:
        built_in.add(threading.get_ident())
        return original_build(*args)

    def exchange(self: SyncDriver, request: Request, built: httpx.Request) -> Any:
        exchanged_in.add(threading.get_ident())
        return original_exchange(self, request, built)

    monkeypatch.setattr(_plan, "_build", build)
    monkeypatch.setattr(SyncDriver, "_exchange", exchange)
    options = ClientOptions()

    def post(index: int) -> Plan[int]:
        reply = yield from send(Request("POST", "/echo", "POST /echo", json={"i": index}), options)
        assert reply.json() == {"ok": True}
        return index

    outcomes = list(driver_for(fake_server.url).iter_ordered((post(i) for i in range(5)), 4))
    assert [o.unwrap() for o in outcomes] == [0, 1, 2, 3, 4]
    assert built_in == {MAIN()}
    assert exchanged_in
    assert MAIN() not in exchanged_in
    assert sorted(r.json()["i"] for r in fake_server.requests) == [0, 1, 2, 3, 4]


def test_a_request_httpx_cannot_build_fails_its_plan_only(fake_server: FakeServer) -> None:
    fake_server.on("POST", "/echo", json_reply(200, {}))
    options = ClientOptions()

    def post(value: object) -> Plan[str]:
        yield from send(Request("POST", "/echo", "POST /echo", json={"v": value}), options)
        return "sent"

    plans = [post(1), post(float("nan")), post(2)]
    outcomes = list(driver_for(fake_server.url).iter_ordered(iter(plans), 3))
    assert outcomes[0].unwrap() == outcomes[2].unwrap() == "sent"
    assert isinstance(outcomes[1].error, InvalidParameterError)
    assert len(fake_server.requests) == 2


def failing_work() -> int:
    try:
        raise KeyError("third-party detail")
    except KeyError:
        raise APIConnectionError("work failed") from None


def test_errors_of_a_plan_or_of_its_work_are_its_outcome_without_foreign_chains() -> None:
    closed: list[str] = []

    def raising_plan() -> Plan[int]:
        yield from sleep(0)
        table: dict[str, int] = {}
        try:
            table["missing"]
        except KeyError:
            raise ResponseValidationError("plan failed")  # noqa: B904  # implicit chain on purpose
        return 0

    def failing_work_plan() -> Plan[int]:
        try:
            return (yield from offload(failing_work))
        finally:
            closed.append("work")

    def fine() -> Plan[int]:
        return (yield from offload(lambda: 7))

    outcomes = list(
        driver_for().iter_ordered(iter([raising_plan(), failing_work_plan(), fine()]), 3)
    )
    assert [type(o.error) for o in outcomes[:2]] == [ResponseValidationError, APIConnectionError]
    for outcome in outcomes[:2]:
        assert outcome.error is not None
        assert outcome.error.__context__ is None
        assert outcome.error.__cause__ is None
    assert outcomes[2].unwrap() == 7
    assert closed == ["work"]


def test_an_unexpected_exception_propagates_after_the_work_in_flight_ends() -> None:
    tracker = Tracker()

    def broken() -> Plan[int]:
        yield from sleep(0.01)
        raise RuntimeError("a bug")

    plans = iter([tracker.plan(0, 0.2), broken(), tracker.plan(2, 0.0), tracker.plan(3, 0.0)])
    with pytest.raises(RuntimeError, match="a bug"):
        list(driver_for().iter_ordered(plans, limit=2))
    assert tracker.running == 0  # plan 0's work finished before the error left
    assert 0 in tracker.closed  # and the plan waiting on it was closed
    assert 3 not in tracker.started


def test_a_consumer_stopping_early_ends_the_plans_in_flight() -> None:
    tracker = Tracker()
    iterator = driver_for().iter_ordered((tracker.plan(i, 0.05) for i in range(50)), 4)
    assert next(iterator).unwrap() == 1
    iterator.close()
    assert tracker.running == 0
    assert sorted(tracker.closed) == sorted(tracker.started)
    assert len(tracker.started) < 10


def test_nested_gathers_run_in_a_pool_thread_and_keep_their_order() -> None:
    def leaf(value: int) -> Plan[int]:
        return (yield from offload(lambda: value))

    def branch(base: int) -> Plan[list[int]]:
        outcomes = yield from gather((leaf(base + i) for i in range(3)), 2)
        return [o.unwrap() for o in outcomes]

    outcomes = list(driver_for().iter_ordered((branch(b) for b in (0, 10, 20)), 2))
    assert [o.unwrap() for o in outcomes] == [[0, 1, 2], [10, 11, 12], [20, 21, 22]]


@pytest.fixture
def decoded_in(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The threads that decoded visualisations."""
    threads: list[int] = []
    original = _results.convert_base64_image

    def spy(*args: Any) -> Any:
        threads.append(threading.get_ident())
        return original(*args)

    monkeypatch.setattr(_results, "convert_base64_image", spy)
    return threads


def test_visualisations_are_decoded_off_the_calling_thread_and_errors_stay_per_item(
    fake_server: FakeServer, images_dir: Path, decoded_in: list[int]
) -> None:
    serve_model(fake_server, "coco/3")
    rocket = base64.b64encode((images_dir / "rocket.jpg").read_bytes()).decode()

    def answer(request: RecordedRequest) -> Reply:
        # The rocket's answer carries an undecodable visualisation, the others the rocket.
        sent = request.json()["image"]["value"]
        visualization = "not base64!" if sent == rocket else rocket
        prediction = {"image": {"width": 1, "height": 1}, "predictions": []}
        return json_reply(200, {**prediction, "visualization": visualization})

    fake_server.on("POST", "/infer/object_detection", handler=answer)
    client = InferenceHTTPClient(fake_server.url).configure(
        InferenceConfiguration(
            max_concurrent_requests=2,
            output_visualisation_format=VisualisationResponseFormat.NUMPY,
        )
    )
    with pytest.raises(ResponseValidationError) as caught:
        client.infer(
            [str(images_dir / name) for name in ("rocket.jpg", "chelsea.png", "chelsea.png")],
            model_id="coco/3",
        )
    batch = caught.value.batch
    assert batch is not None
    assert batch.failed_indexes == [0]
    assert [r["visualization"].shape for r in batch.results[1:] if r is not None] == [
        (427, 640, 3),
        (427, 640, 3),
    ]
    assert len(decoded_in) == 3
    assert MAIN() not in decoded_in
