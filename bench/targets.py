"""The targets of issue 8, checked against one run's ratios."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TypedDict


class TargetResult(TypedDict):
    """One target: what is required, what was measured, and whether it holds."""

    name: str
    requirement: str
    measured: float | None
    limit: float
    passed: bool | None
    note: str


_COMPARE: dict[str, Callable[[float, float], bool]] = {"<=": operator.le, ">=": operator.ge}


def check(
    name: str,
    requirement: str,
    measured: float | None,
    comparison: str,
    limit: float,
    note: str = "",
) -> TargetResult:
    """``measured <comparison> limit``; ``passed`` is None when nothing was measured."""
    passed = None if measured is None else _COMPARE[comparison](measured, limit)
    return TargetResult(
        name=name,
        requirement=requirement,
        measured=None if measured is None else round(measured, 3),
        limit=limit,
        passed=passed,
        note=note,
    )


REAL_SERVER_TOLERANCE = 0.05
""""Never slower" against the real server: a ratio within 5 % of 1.0 is a tie.

The real server's inference dominates each request (tens of ms) and both clients share a
2-core machine with it; rounds of the same client differ by more than 5 % between them, so a
stricter bound would report noise. The measured ratios and spreads are reported as they are.
"""
