"""Summaries of repeated measurements: median, spread, ratios."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import TypedDict


class Summary(TypedDict):
    """Repeated samples of one quantity: their median, extremes and relative spread."""

    median: float
    min: float
    max: float
    spread: float
    samples: list[float]


def summarize(samples: Sequence[float]) -> Summary:
    """Median, min, max and spread ((max - min) / median) of ``samples`` (at least one)."""
    if not samples:
        raise ValueError("no samples to summarize")
    median = statistics.median(samples)
    low, high = min(samples), max(samples)
    return Summary(
        median=median,
        min=low,
        max=high,
        spread=(high - low) / median if median else 0.0,
        samples=[round(sample, 6) for sample in samples],
    )


def ratio(numerator: Summary, denominator: Summary) -> float:
    """The ratio of two medians (0 when the denominator is 0)."""
    return numerator["median"] / denominator["median"] if denominator["median"] else 0.0
