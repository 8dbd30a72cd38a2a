"""Many servers behind one client: their load, their health, where each request goes.

A client made with several URLs (``InferenceHTTPClient(api_url=[...])``) holds one
:class:`NodeSet`, shared by its ``with_options`` copies. Every request whose URL is relative
is placed by :func:`~rf_client._plan.send` through a :class:`Route`:

- Balancing: the healthy node with the fewest requests in flight (ties: round robin), so a
  slow node, whose requests stay in flight longer, gets less work.
- Health: a node that gives no answer (connection refused or reset, a timeout) or answers
  502/503/504 leaves the rotation for a backoff (1 s, doubling per failure in a row, at most
  30 s). The first request after the backoff first probes it (``GET /info``, no API key,
  5 s timeout); any answer but 502/503/504 brings it back, else its backoff doubles.
- Re-sending: a request that failed on a node is sent again on another healthy node it was
  not tried on yet, at once and without using a retry, when the retry rules allow repeating
  it (:func:`~rf_client._plan.may_repeat`: a workflow run that may have acted, such as one
  that timed out, is never repeated). Once no untried node is left, retries follow
  ``max_retries`` with backoff as for one server.

A client of one URL takes the loop of one server (no choice, no health): only the per-node
counters of :meth:`NodeSet.stats` are kept. Nothing here does I/O: the plans yield steps.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection, Sequence
from typing import Any

import attrs
import httpx

from rf_client._http import (
    ClientOptions,
    Reply,
    Request,
    RequestNotSendable,
    ResponseTooLarge,
    retry_after_of,
)
from rf_client._plan import (
    Plan,
    attempt_error,
    log_retry,
    may_repeat,
    retry_reason,
    sleep,
    transmit,
)
from rf_client._redaction import display_url
from rf_client.errors import APIConnectionError, RFClientError

logger = logging.getLogger("rf_client")

NODE_FAILURE_STATUSES = frozenset({502, 503, 504})
"""Answers that take a node out of rotation (a proxy without a backend, overload, a timeout)."""

FIRST_BACKOFF = 1.0
"""Seconds a node stays out of rotation after its first failure; doubles per failure in a row."""

MAX_BACKOFF = 30.0
"""The longest a node stays out of rotation before it is probed again."""

PROBE_TIMEOUT = httpx.Timeout(5.0)
"""The probe of a node coming back must answer quickly: it holds up one request."""


class ModelDescriptionCache:
    """Model descriptions (task type, input size) already fetched, per node, thread-safe.

    Filled by ``get_model_description``; emptied for a model by ``load_model``,
    ``unload_model`` or a failed request on it, and entirely by ``unload_all_models`` or
    when its node leaves the rotation (a restarted server may serve other versions).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, Any] = {}

    def get(self, model_id: str) -> Any | None:
        """The cached description of ``model_id``, or None."""
        with self._lock:
            return self._entries.get(model_id)

    def put(self, model_id: str, description: Any) -> None:
        """Remember ``description`` for ``model_id``."""
        with self._lock:
            self._entries[model_id] = description

    def forget(self, model_id: str | None = None) -> None:
        """Forget ``model_id``'s description, or every description when None."""
        with self._lock:
            if model_id is None:
                self._entries.clear()
            else:
                self._entries.pop(model_id, None)


class SpreadCache(ModelDescriptionCache):
    """The caches of every node seen as one, for a call not pinned to a node.

    A description is a property of the model, the same on every node that serves it: any
    node's entry serves. ``get_model_description`` stores what a node answered in that
    node's own cache (``ctx.on_node(node).model_cache``); ``forget`` reaches every node.
    """

    def __init__(self, nodes: Sequence[Node]) -> None:
        super().__init__()
        self._nodes = tuple(nodes)

    def get(self, model_id: str) -> Any | None:
        """Any node's cached description of ``model_id``, or None."""
        for node in self._nodes:
            found = node.cache.get(model_id)
            if found is not None:
                return found
        return None

    def put(self, model_id: str, description: Any) -> None:
        """Remember ``description`` for every node (when the node that answered is unknown)."""
        for node in self._nodes:
            node.cache.put(model_id, description)

    def forget(self, model_id: str | None = None) -> None:
        """Forget ``model_id`` (or everything) on every node."""
        for node in self._nodes:
            node.cache.forget(model_id)


@attrs.frozen
class NodeStats:
    """What one server of a client did so far (:meth:`InferenceHTTPClient.node_stats`).

    Attributes:
        url: The server's base URL in display form (no user info, no query string).
        healthy: Whether it is in rotation (False while it waits out a backoff).
        in_flight: Requests sent to it and not answered yet (a client of one server does not
            balance and keeps it at 0).
        sent: Requests sent to it (each attempt counts; probes do not).
        succeeded: Answers it gave with a status below 300.
        failed: Attempts that did not succeed: no answer, a timeout or an error status (only
            no answer, a timeout and 502/503/504 take it out of rotation).
        down_for: Seconds left before it is probed again (0.0 when healthy).
    """

    url: str
    healthy: bool
    in_flight: int
    sent: int
    succeeded: int
    failed: int
    down_for: float


class Node:
    """One server: its base URL, load, health and model descriptions (guarded by its set)."""

    def __init__(self, base_url: str, index: int) -> None:
        self.base_url = base_url
        self.display = display_url(base_url, mark_credentials=True)
        self.index = index
        self.cache = ModelDescriptionCache()
        self.in_flight = 0
        self.sent = 0
        self.succeeded = 0
        self.failed = 0
        self.failures_in_a_row = 0
        self.down_until = 0.0  # 0.0: in rotation; else time.monotonic() when it may be probed
        self.probing = False

    def __repr__(self) -> str:
        return f"Node({self.display!r})"


def is_node_failure(outcome: object) -> bool:
    """Whether an attempt's outcome says the node is unwell: no answer, a timeout, 502/503/504.

    A request httpx cannot build, an answer over its size cap and other statuses say nothing
    about the node.
    """
    if isinstance(outcome, Reply):
        return outcome.status_code in NODE_FAILURE_STATUSES
    return isinstance(outcome, httpx.TransportError) and not isinstance(
        outcome, RequestNotSendable | ResponseTooLarge
    )


def _reason(outcome: object) -> str:
    if isinstance(outcome, Reply):
        return f"status {outcome.status_code}"
    return type(outcome).__name__


class NodeSet:
    """The servers of one client and their state, thread-safe; shared by ``with_options``.

    Args:
        base_urls: Checked base URLs (no trailing slash), at least one, no duplicates.
        probe_path: The route a node out of rotation is probed with (``/info`` for v1).
        clock: Seconds, monotonic (tests pass their own).
    """

    def __init__(
        self,
        base_urls: Sequence[str],
        probe_path: str = "/info",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.nodes = tuple(Node(url, index) for index, url in enumerate(base_urls))
        self.single = len(self.nodes) == 1
        self.probe_path = probe_path
        self._clock = clock
        self._lock = threading.Lock()
        self._turn = 0
        self._pipelines: dict[str, Node] = {}
        self.cache: ModelDescriptionCache = (
            self.nodes[0].cache if self.single else SpreadCache(self.nodes)
        )
        self.route = Route(self, None)

    # Choosing.

    def choose(self, exclude: Collection[Node] = ()) -> tuple[Node | None, bool]:
        """``(node, probe)``: the node for the next attempt, and whether to probe it first.

        A node whose backoff ran out is probed before anything else (so it rejoins at the
        first chance); else the node in rotation with the fewest requests in flight, ties in
        round-robin order. Nodes in ``exclude`` (tried already) are taken only when no other
        node is in rotation. ``(None, False)``: every node waits out a backoff.
        A chosen node (not a probe) counts as in flight until :meth:`finish`.
        """
        now = self._clock()
        with self._lock:
            count = len(self.nodes)
            best: Node | None = None
            fallback: Node | None = None
            for offset in range(count):
                node = self.nodes[(self._turn + offset) % count]
                if node.down_until:
                    if node.down_until <= now and not node.probing:
                        node.probing = True
                        return node, True
                    continue
                if node in exclude:
                    if fallback is None or node.in_flight < fallback.in_flight:
                        fallback = node
                elif best is None or node.in_flight < best.in_flight:
                    best = node
            chosen = best or fallback
            if chosen is None:
                return None, False
            self._turn = (chosen.index + 1) % count
            chosen.in_flight += 1
            chosen.sent += 1
            return chosen, False

    def has_other(self, exclude: Collection[Node]) -> bool:
        """Whether a node outside ``exclude`` is in rotation or due for its probe."""
        now = self._clock()
        with self._lock:
            return any(
                node not in exclude and (not node.down_until or node.down_until <= now)
                for node in self.nodes
            )

    def all_down(self) -> bool:
        """Whether every node is out of rotation."""
        with self._lock:
            return all(node.down_until for node in self.nodes)

    def tally(self, node: Node, outcome: object) -> None:
        """Count an attempt on the only node of a client of one (no balancing, no health)."""
        with self._lock:
            node.sent += 1
            if isinstance(outcome, Reply) and outcome.status_code < 300:
                node.succeeded += 1
            else:
                node.failed += 1

    def start(self, node: Node) -> None:
        """An attempt on ``node`` (pinned or the only one) begins."""
        with self._lock:
            node.in_flight += 1
            node.sent += 1

    def attempt(
        self, node: Node, request: Request, options: ClientOptions
    ) -> Plan[Reply | httpx.HTTPError]:
        """Send ``request`` once to ``node`` (counted in flight already) and keep its score."""
        finished = False
        try:
            outcome = yield from transmit(request, options, node.base_url)
            finished = True
            self.finish(node, outcome)
        finally:
            if not finished:  # the plan was closed mid-request (a batch stopped early)
                self.finish(node, None)
        return outcome

    def finish(self, node: Node, outcome: object) -> None:
        """An attempt on ``node`` ended with ``outcome`` (None: abandoned); a node failure
        takes it out of rotation."""
        failed_node = is_node_failure(outcome)
        backoff = 0.0
        with self._lock:
            node.in_flight -= 1
            if outcome is None:
                return
            if isinstance(outcome, Reply) and outcome.status_code < 300:
                node.succeeded += 1
                node.failures_in_a_row = 0
            else:
                node.failed += 1
            # Requests sent before the node went down fail too: they do not lengthen its backoff.
            if failed_node and not node.down_until:
                backoff = self._take_out(node)
            else:
                failed_node = False
        if failed_node:
            self._log_down(node, backoff, _reason(outcome))

    def probed(self, node: Node, outcome: object) -> bool:
        """The probe of ``node`` ended; True (back in rotation) when it answered well enough."""
        answered = not is_node_failure(outcome) and isinstance(outcome, Reply)
        backoff = 0.0
        with self._lock:
            node.probing = False
            if outcome is None:  # abandoned (the plan was closed): it stays due
                return False
            if answered:
                node.down_until = 0.0
                node.failures_in_a_row = 0
            else:
                backoff = self._take_out(node)
        if answered:
            logger.info("%s answered its probe: back in rotation", node.display)
        else:
            self._log_down(node, backoff, f"its probe failed ({_reason(outcome)})")
        return answered

    def _take_out(self, node: Node) -> float:
        node.failures_in_a_row += 1
        backoff = min(MAX_BACKOFF, FIRST_BACKOFF * 2.0 ** (node.failures_in_a_row - 1))
        node.down_until = self._clock() + backoff
        node.cache.forget()
        return backoff

    def _log_down(self, node: Node, backoff: float, reason: str) -> None:
        logger.warning(
            "%s is out of rotation for %.1f s after %s (%d failure(s) in a row); requests go "
            "to the other servers",
            node.display,
            backoff,
            reason,
            node.failures_in_a_row,
        )

    def next_probe_in(self) -> float:
        """Seconds until the first node out of rotation may be probed (0.0 if one may now)."""
        now = self._clock()
        with self._lock:
            waits = [node.down_until - now for node in self.nodes if node.down_until]
        return max(0.0, min(waits)) if waits else 0.0

    # Looking up.

    def node_of(self, base_url: str | None) -> Node | None:
        """The node of ``base_url`` (as ``Reply.node`` gives it), or None."""
        return next((node for node in self.nodes if node.base_url == base_url), None)

    def remember_pipeline(self, pipeline_id: str, base_url: str | None) -> None:
        """``pipeline_id`` runs on the node of ``base_url``: its commands go there."""
        node = self.node_of(base_url)
        if node is not None:
            with self._lock:
                self._pipelines[pipeline_id] = node

    def pipeline_node(self, pipeline_id: str) -> Node | None:
        """The node ``pipeline_id`` was started on (or found on), if known."""
        with self._lock:
            return self._pipelines.get(pipeline_id)

    def forget_pipeline(self, pipeline_id: str) -> None:
        """``pipeline_id`` ended (terminated)."""
        with self._lock:
            self._pipelines.pop(pipeline_id, None)

    def stats(self) -> tuple[NodeStats, ...]:
        """Every node's counters and health, in the order the URLs were given."""
        now = self._clock()
        with self._lock:
            return tuple(
                NodeStats(
                    url=node.display,
                    healthy=not node.down_until,
                    in_flight=node.in_flight,
                    sent=node.sent,
                    succeeded=node.succeeded,
                    failed=node.failed,
                    down_for=max(0.0, node.down_until - now) if node.down_until else 0.0,
                )
                for node in self.nodes
            )

    def displays(self) -> str:
        """Every node's display form, comma-separated (for messages)."""
        return ", ".join(node.display for node in self.nodes)

    # Sending.

    def send_spread(self, request: Request, options: ClientOptions) -> Plan[Reply]:
        """:func:`~rf_client._plan.send` over several nodes: balanced, failed over, retried."""
        policy = options.retry
        tried: set[Node] = set()
        attempts = retries = 0
        last: RFClientError | None = None
        while True:
            node, probe = self.choose(tried)
            if node is None:
                if retries >= policy.max_retries:
                    raise self._all_down(request, last)
                retries += 1
                wait = min(max(self.next_probe_in(), 0.05), policy.max_delay)
                yield from sleep(wait)
                continue
            if probe:
                yield from self._probe(node)
                continue
            attempts += 1
            named = request_on(request, node)
            outcome = yield from self.attempt(node, named, options)
            tried.add(node)
            error = attempt_error(outcome, named, options, attempts)
            if error is None:
                return attrs.evolve(cast_reply(outcome), node=node.base_url)
            if not may_repeat(request, outcome, error):
                raise error
            last = error
            if is_node_failure(outcome) and self.has_other(tried):
                logger.info(
                    "Re-sending %s on another server: %s failed (%s)",
                    request.endpoint,
                    node.display,
                    retry_reason(error),
                )
                continue
            if retries >= policy.max_retries:
                raise self._all_down(request, error) if self.all_down() else error
            retries += 1
            wait = policy.delay(retries, retry_after_of(error))
            log_retry(named, wait, retries, policy.max_retries, error)
            yield from sleep(wait)

    def _probe(self, node: Node) -> Plan[bool]:
        probe = Request(
            "GET",
            self.probe_path,
            f"GET {self.probe_path} on {node.display} (probe)",
            retryable=False,
            uses_client_timeout=False,
            timeout=PROBE_TIMEOUT,
            max_response_bytes=1 << 20,
        )
        outcome: object = None
        try:
            outcome = yield from transmit(probe, ClientOptions(), node.base_url)
        finally:
            self.probed(node, outcome)
        return isinstance(outcome, Reply) and not is_node_failure(outcome)

    def _all_down(self, request: Request, last: RFClientError | None) -> APIConnectionError:
        because = f" Last failure: {last.message}" if last is not None else ""
        return APIConnectionError(
            f"{request.endpoint}: no server can take the request, every one is out of "
            f"rotation after failing ({self.displays()}).{because} Check that the servers are "
            f"running and reachable; each is probed again after its backoff (the first in "
            f"{self.next_probe_in():.1f} s)."
        )


def cast_reply(outcome: Reply | httpx.HTTPError) -> Reply:
    """``outcome`` known to be a successful :class:`Reply`."""
    assert isinstance(outcome, Reply)  # attempt_error returned None for it
    return outcome


def request_on(request: Request, node: Node) -> Request:
    """``request`` whose endpoint names ``node`` (messages and logs say which server failed)."""
    return attrs.evolve(request, endpoint=f"{request.endpoint} on {node.display}")


class Route:
    """Where the requests of one call go: spread over the set, or pinned to ``pinned``.

    Its answers are worked out once (a client's route serves every call): ``send`` reads
    plain attributes on its hot path.
    """

    __slots__ = ("base_url", "nodes", "pinned", "single", "spread", "target")

    def __init__(self, nodes: NodeSet, pinned: Node | None) -> None:
        self.nodes = nodes
        self.pinned = pinned
        self.single = nodes.single
        self.spread = pinned is None and not nodes.single
        """Whether each request picks its node (several nodes, not pinned)."""
        self.target = pinned if pinned is not None else nodes.nodes[0]
        """The one node the requests go to when not spread (pinned, or the only one)."""
        self.base_url = self.target.base_url

    def __repr__(self) -> str:
        return f"Route(spread={self.spread}, target={self.target!r})"

    def named(self, request: Request) -> Request:
        """``request`` naming its node when the client has several (single: unchanged)."""
        return request if self.single else request_on(request, self.target)

    def exchange(self, request: Request, options: ClientOptions) -> Plan[Reply | httpx.HTTPError]:
        """One attempt on :attr:`target` of several nodes: in flight, scored, health kept."""
        node = self.target
        self.nodes.start(node)
        outcome = yield from self.nodes.attempt(node, request, options)
        if isinstance(outcome, Reply):
            return attrs.evolve(outcome, node=node.base_url)
        return outcome


__all__ = [
    "ModelDescriptionCache",
    "Node",
    "NodeSet",
    "NodeStats",
    "Route",
    "is_node_failure",
]
