"""The ``--format table`` output: one row per item with what was found, how sure, how long."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from rf_client.cli._annotate import classification_caption, detection_results, is_box
from rf_client.cli._pictures import as_picture

MAX_CELL = 100


@dataclasses.dataclass(frozen=True)
class Row:
    """One line of the table.

    Attributes:
        input: The input's label (and frame).
        found: What was found (``"cat x2, dog"``) or the error.
        confidence: The highest confidence of the item, if any.
        seconds: How long its request took.
        ok: False for a failed item.
    """

    input: str
    found: str
    confidence: float | None
    seconds: float
    ok: bool


def _class_counts(predictions: Iterable[Mapping[str, Any]]) -> str:
    counts = Counter(str(p.get("class", p.get("class_name", "?"))) for p in predictions)
    if not counts:
        return "nothing found"
    return ", ".join(
        f"{name} x{count}" if count > 1 else name for name, count in counts.most_common()
    )


def _confidences(value: object) -> Iterator[float]:
    if isinstance(value, Mapping):
        if is_box(value) or "top" in value:
            confidence = value.get("confidence")
            if isinstance(confidence, int | float) and not isinstance(confidence, bool):
                yield float(confidence)
        for key, item in value.items():
            if key != "confidence":
                yield from _confidences(item)
    elif isinstance(value, list):
        for item in value:
            yield from _confidences(item)


def top_confidence(result: object) -> float | None:
    """The highest confidence of any prediction in ``result``."""
    return max(_confidences(result), default=None)


def describe_prediction(result: Mapping[str, Any]) -> str:
    """What a model's prediction holds: class counts, the top class, or its keys."""
    caption = classification_caption(result)
    if caption is not None:
        return caption.rsplit(" ", 1)[0] if result.get("top") else caption
    predictions = result.get("predictions")
    if isinstance(predictions, list):
        return _class_counts(p for p in predictions if isinstance(p, Mapping))
    if isinstance(predictions, Mapping) and "segmentation_mask" in predictions:
        return "segmentation mask"
    if "visualization" in result:
        return "visualization"
    return ", ".join(sorted(str(key) for key in result)) or "empty"


def _describe_value(value: object) -> str:
    if as_picture(value) is not None:
        return "image"
    if isinstance(value, bool | int | float | str) or value is None:
        return repr(value) if isinstance(value, str) else str(value)
    detections = list(detection_results(value))
    if isinstance(value, list):
        pictures = sum(1 for item in value if as_picture(item) is not None)
        if pictures == len(value):
            return f"{pictures} images"
        if not detections:
            return f"{len(value)} values"
    if detections:
        return _class_counts(p for result in detections for p in result["predictions"])
    if isinstance(value, Mapping):
        return describe_prediction(value)
    return type(value).__name__


def describe_workflow_outputs(outputs: object) -> str:
    """``"qr: qr_code; count: 3; viz: image"``: one short part per output of a workflow."""
    if isinstance(outputs, list):
        return " | ".join(describe_workflow_outputs(item) for item in outputs)
    if not isinstance(outputs, Mapping):
        return _describe_value(outputs)
    return "; ".join(f"{name}: {_describe_value(value)}" for name, value in outputs.items())


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _shorten_left(text: str, limit: int) -> str:
    # Paths differ at their end: keep the file name.
    return text if len(text) <= limit else "..." + text[len(text) - limit + 3 :]


def render_table(rows: Sequence[Row], width: int | None = None) -> str:
    """The rows as an aligned text table with a header, then every error in full.

    ``width`` (a terminal's) narrows the FOUND column to fit; None leaves it at its maximum.
    """
    headers = ("INPUT", "FOUND", "TOP CONF", "TIME")
    cells = [
        (
            row.input,
            row.found if row.ok else f"ERROR {row.found}",
            f"{row.confidence:.2f}" if row.confidence is not None else "-",
            f"{row.seconds * 1000:.0f} ms",
        )
        for row in rows
    ]
    input_width = min(max([len(headers[0]), *(len(c[0]) for c in cells)]), 48)
    found_room = MAX_CELL if width is None else max(20, min(MAX_CELL, width - input_width - 24))
    found_width = min(max([len(headers[1]), *(len(c[1]) for c in cells)]), found_room)
    lines = []
    for cell in [headers, *cells]:
        lines.append(
            f"{_shorten_left(cell[0], input_width):<{input_width}}  "
            f"{_shorten(cell[1], found_width):<{found_width}}  "
            f"{cell[2]:>8}  {cell[3]:>8}".rstrip()
        )
    failed = [row for row in rows if not row.ok]
    if failed:
        lines.append("")
        lines.append("errors:")
        lines.extend(f"  {row.input}: {' '.join(row.found.split())}" for row in failed)
    return "\n".join(lines) + "\n"
