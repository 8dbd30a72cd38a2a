"""NodeSet on its own: balancing, backoff, probes and counters, with a hand-moved clock."""

from __future__ import annotations

import pytest

from rf_client._http import Reply
from rf_client._nodes import FIRST_BACKOFF, MAX_BACKOFF, NodeSet, is_node_failure
from tests.support.clock import Clock


def ok() -> Reply:
    return Reply(200, {}, b"{}", "GET /x")


def status(code: int) -> Reply:
    return Reply(code, {}, b"{}", "GET /x")


URLS = ("http://a:9001", "http://b:9001", "http://c:9001")


def test_ties_go_round_robin_and_the_least_loaded_node_wins() -> None:
    nodes = NodeSet(URLS)
    picked = [nodes.choose()[0] for _ in range(3)]
    assert [node.base_url for node in picked if node] == list(URLS)
    a, b, c = nodes.nodes
    nodes.finish(b, ok())  # b is now the only node with nothing in flight
    assert nodes.choose()[0] is b
    for node in (a, b, c):
        nodes.finish(node, ok())
    # All idle again: the rotation continues after the last chosen node (b).
    assert nodes.choose()[0] is c
    stats = nodes.stats()
    assert [s.sent for s in stats] == [1, 2, 2]
    assert [s.succeeded for s in stats] == [1, 2, 1]
    assert [s.in_flight for s in stats] == [0, 0, 1]


def test_a_failed_node_waits_out_a_doubling_backoff_then_is_probed() -> None:
    clock = Clock()
    nodes = NodeSet(URLS[:2], clock=clock)
    a, b = nodes.nodes
    assert nodes.choose()[0] is a
    nodes.finish(a, status(503))
    assert nodes.stats()[0].healthy is False
    assert nodes.stats()[0].down_for == FIRST_BACKOFF
    assert [nodes.choose()[0] for _ in range(2)] == [b, b]  # a is out of rotation
    clock.now += FIRST_BACKOFF
    assert nodes.choose() == (a, True)  # due: probed before anything else
    assert nodes.choose()[0] is b  # one probe at a time
    assert nodes.probed(a, status(502)) is False
    assert nodes.stats()[0].down_for == 2 * FIRST_BACKOFF
    clock.now += 2 * FIRST_BACKOFF
    assert nodes.choose() == (a, True)
    assert nodes.probed(a, status(404)) is True  # any real answer: it is alive
    assert nodes.stats()[0].healthy is True
    assert nodes.choose()[0] is a  # back, with nothing in flight


def test_failures_of_requests_already_in_flight_do_not_lengthen_the_backoff() -> None:
    clock = Clock()
    nodes = NodeSet(URLS[:2], clock=clock)
    a = nodes.nodes[0]
    for _ in range(4):
        nodes.start(a)
    for _ in range(4):
        nodes.finish(a, status(504))
    assert nodes.stats()[0].down_for == FIRST_BACKOFF
    assert nodes.stats()[0].failed == 4


def test_the_backoff_is_capped() -> None:
    clock = Clock()
    nodes = NodeSet(URLS[:2], clock=clock)
    a = nodes.nodes[0]
    nodes.start(a)
    nodes.finish(a, status(503))
    for _ in range(10):
        clock.now += MAX_BACKOFF
        assert nodes.choose() == (a, True)
        nodes.probed(a, status(503))
    assert nodes.stats()[0].down_for == MAX_BACKOFF


def test_every_node_down_means_no_choice_until_the_first_backoff_ends() -> None:
    clock = Clock()
    nodes = NodeSet(URLS[:2], clock=clock)
    for node in nodes.nodes:
        nodes.start(node)
        nodes.finish(node, status(503))
    assert nodes.all_down()
    assert nodes.choose() == (None, False)
    assert nodes.next_probe_in() == FIRST_BACKOFF


def test_a_node_leaving_the_rotation_drops_its_model_descriptions() -> None:
    nodes = NodeSet(URLS[:2])
    a, b = nodes.nodes
    a.cache.put("coco/3", "description")
    b.cache.put("coco/3", "description")
    nodes.start(a)
    nodes.finish(a, status(502))
    assert a.cache.get("coco/3") is None
    assert b.cache.get("coco/3") == "description"
    assert nodes.cache.get("coco/3") == "description"  # any node's entry serves


@pytest.mark.parametrize(
    ("outcome", "failed"),
    [(status(502), True), (status(503), True), (status(504), True), (status(500), False)],
)
def test_which_answers_take_a_node_out(outcome: Reply, failed: bool) -> None:
    assert is_node_failure(outcome) is failed
