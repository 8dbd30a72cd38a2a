"""The ordered window of both drivers stays full: once finished outcomes were handed out and
the buffer has room again, the next plans start before the driver waits for a running one."""

from __future__ import annotations

import asyncio
import threading

import httpx

from rf_client._batch import Outcome
from rf_client._plan import AsyncDriver, Plan, SyncDriver, offload

# Long enough never to run out on a loaded machine; a stalled window waits it out in full.
PATIENCE_SECONDS = 5.0


def plans_where_plan_2_needs_plan_3(started_3: threading.Event) -> list[Plan[str]]:
    """Plans 0 and 1 end at once; plan 2 ends when plan 3 has run (or reports the stall).

    With ``limit=3, max_buffered=1`` the driver starts 0, 1 and 2; each of 0 and 1 fills the
    buffer of one, so nothing new starts until it is handed out. Plan 3 must start then,
    while plan 2 still runs; a window that waited on plan 2 first would stall.
    """

    def quick(index: int) -> Plan[str]:
        return (yield from offload(lambda: f"plan {index}"))

    def needs_plan_3() -> Plan[str]:
        ran = yield from offload(lambda: started_3.wait(PATIENCE_SECONDS))
        return "plan 2 after plan 3" if ran else "plan 2 stalled: plan 3 never started"

    def start_3() -> str:
        started_3.set()
        return "plan 3"

    def plan_3() -> Plan[str]:
        return (yield from offload(start_3))

    return [quick(0), quick(1), needs_plan_3(), plan_3(), quick(4)]


EXPECTED = ["plan 0", "plan 1", "plan 2 after plan 3", "plan 3", "plan 4"]


def values(outcomes: list[Outcome[str]]) -> list[str]:
    return [outcome.unwrap() for outcome in outcomes]


def test_the_sync_window_starts_the_next_plans_once_its_buffer_has_room() -> None:
    plans = plans_where_plan_2_needs_plan_3(threading.Event())
    with httpx.Client() as http:
        driver = SyncDriver(http, "http://127.0.0.1:9")
        outcomes = list(driver.iter_ordered(iter(plans), limit=3, max_buffered=1))
    assert values(outcomes) == EXPECTED


def test_the_async_window_starts_the_next_plans_once_its_buffer_has_room() -> None:
    async def main() -> list[Outcome[str]]:
        driver = AsyncDriver(httpx.AsyncClient, "http://127.0.0.1:9")
        plans = plans_where_plan_2_needs_plan_3(threading.Event())
        return [o async for o in driver.iter_ordered(iter(plans), limit=3, max_buffered=1)]

    assert values(asyncio.run(main())) == EXPECTED
