"""Running jobs on a few threads and taking their results in submission order.

At most ``limit`` tasks run at once and at most ``limit`` more wait, finished or queued, behind
a slower earlier one, so memory stays bounded on long inputs while one slow request does not
stall the others. Closing the iterator early (or an interrupt) cancels tasks not yet started.
"""

from __future__ import annotations

import collections
import concurrent.futures
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

R = TypeVar("R")


def run_in_order(tasks: Iterable[Callable[[], R]], limit: int) -> Iterator[R]:
    """Run ``tasks`` (consumed lazily) with ``limit`` threads; their results in order.

    An exception a task raises is raised here when its turn comes (tasks should catch what
    they expect).
    """
    limit = max(1, limit)
    source = iter(tasks)
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=limit, thread_name_prefix="rf-cli")
    pending: collections.deque[concurrent.futures.Future[R]] = collections.deque()
    try:
        while True:
            while len(pending) < 2 * limit:
                task = next(source, None)
                if task is None:
                    break
                pending.append(pool.submit(task))
            if not pending:
                return
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()
        # Do not wait: on an interrupt the running requests end on their own (or with the
        # process); the caller closes the client.
        pool.shutdown(wait=False, cancel_futures=True)
