"""Drawing predictions on images: boxes with labels, polygons, key points, class banners.

Works on the documented API's prediction dicts (object detection, instance segmentation,
key points, classification) and on the detection outputs of workflows. Colours are stable
per class name. Only PIL is needed.
"""

from __future__ import annotations

import dataclasses
import zlib
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL import Image, ImageDraw, ImageFont

PALETTE: Sequence[tuple[int, int, int]] = (
    (230, 25, 75),
    (60, 180, 75),
    (0, 130, 200),
    (245, 130, 48),
    (145, 30, 180),
    (70, 240, 240),
    (240, 50, 230),
    (210, 245, 60),
    (0, 128, 128),
    (255, 225, 25),
)
FILL_ALPHA = 80
MAX_COORDINATE = 1_000_000.0
"""Pixel coordinates beyond this (either sign) are garbage, not something to draw."""


def class_colour(name: str) -> tuple[int, int, int]:
    """The colour of a class: the same name always gets the same colour."""
    return PALETTE[zlib.crc32(name.encode("utf-8")) % len(PALETTE)]


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def is_box(prediction: object) -> bool:
    """Whether ``prediction`` is a dict with a centre box (``x``, ``y``, ``width``, ``height``)."""
    return isinstance(prediction, Mapping) and all(
        _number(prediction.get(key)) is not None for key in ("x", "y", "width", "height")
    )


def is_detection_result(value: object) -> bool:
    """Whether ``value`` is a prediction dict holding a list of boxes."""
    if not isinstance(value, Mapping):
        return False
    predictions = value.get("predictions")
    return isinstance(predictions, list) and all(is_box(p) for p in predictions)


def detection_results(value: object) -> Iterator[Mapping[str, Any]]:
    """Every detection result inside a workflow output (at any depth), in order."""
    if is_detection_result(value):
        yield value  # type: ignore[misc]  # checked by is_detection_result
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from detection_results(item)
    elif isinstance(value, list):
        for item in value:
            yield from detection_results(item)


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1 has one fixed-size bitmap font
        return ImageFont.load_default()


Box = tuple[float, float, float, float]


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _label(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    colour: tuple[int, int, int],
    font: ImageFont.ImageFont | ImageFont.FreeTypeFont,
    taken: list[Box],
    bounds: tuple[int, int],
) -> None:
    """Draw ``text`` on a filled tag above ``xy`` (below when that would leave the image),
    moved down past the tags already ``taken`` so that labels of boxes in one place stay
    readable."""
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    width, height = right - left + 6, bottom - top + 4
    x = min(max(xy[0], 0), max(bounds[0] - width, 0))
    y = xy[1] - height if xy[1] - height >= 0 else xy[1]
    # Kept inside the image: a tag off the image says nothing (and text far off it fails).
    y = min(max(y, 0), max(bounds[1] - height, 0))
    tag: Box = (x, y, x + width, y + height)
    for _ in range(len(taken)):
        clash = next((box for box in taken if _overlaps(tag, box)), None)
        if clash is None:
            break
        y = clash[3]
        tag = (x, y, x + width, y + height)
    taken.append(tag)
    draw.rectangle(tag, fill=colour)
    luminance = 0.299 * colour[0] + 0.587 * colour[1] + 0.114 * colour[2]
    ink = (0, 0, 0) if luminance > 150 else (255, 255, 255)
    draw.text((x + 3 - left, y + 2 - top), text, fill=ink, font=font)


def _caption(prediction: Mapping[str, Any]) -> str:
    name = str(prediction.get("class", prediction.get("class_name", "object")))
    confidence = _number(prediction.get("confidence"))
    return f"{name} {confidence:.2f}" if confidence is not None else name


def _coordinate(value: object) -> float | None:
    """``value`` as a float if it is a number that can be drawn, else None.

    NaN, infinities and numbers far outside any image make the drawing library fail or
    draw nonsense: such a shape is left out instead.
    """
    number = _number(value)
    return number if number is not None and abs(number) <= MAX_COORDINATE else None


def _points(value: object) -> list[tuple[float, float]]:
    if not isinstance(value, list):
        return []
    points: list[tuple[float, float]] = []
    for point in value:
        if isinstance(point, Mapping):
            x, y = _coordinate(point.get("x")), _coordinate(point.get("y"))
            if x is not None and y is not None:
                points.append((x, y))
    return points


def classification_caption(result: Mapping[str, Any]) -> str | None:
    """``"cat 0.70"`` for a single-label result, ``"cat, dog"`` for a multi-label one."""
    top = result.get("top")
    if isinstance(top, str) and top:
        confidence = _number(result.get("confidence"))
        return f"{top} {confidence:.2f}" if confidence is not None else top
    predicted = result.get("predicted_classes")
    if isinstance(predicted, list) and predicted:
        return ", ".join(str(name) for name in predicted)
    return None


@dataclasses.dataclass(frozen=True)
class _Shape:
    """What one prediction draws: its box (corners ordered), polygon, key points, label."""

    box: Box
    polygon: list[tuple[float, float]]
    keypoints: list[tuple[float, float]]
    caption: str
    colour: tuple[int, int, int]


def _shape(prediction: object) -> _Shape | None:
    """The drawable parts of ``prediction``; None when it has no finite box.

    Servers have sent boxes with a negative width: the corners are ordered with min/max, so
    such a box is drawn where it spans instead of making the drawing library fail.
    """
    if not isinstance(prediction, Mapping):
        return None
    x, y = _coordinate(prediction.get("x")), _coordinate(prediction.get("y"))
    width, height = _coordinate(prediction.get("width")), _coordinate(prediction.get("height"))
    if x is None or y is None or width is None or height is None:
        return None
    x0, x1 = sorted((x - width / 2, x + width / 2))
    y0, y1 = sorted((y - height / 2, y + height / 2))
    if max(abs(x0), abs(x1), abs(y0), abs(y1)) > MAX_COORDINATE:
        return None
    return _Shape(
        box=(x0, y0, x1, y1),
        polygon=_points(prediction.get("points")),
        keypoints=_points(prediction.get("keypoints")),
        caption=_caption(prediction),
        colour=class_colour(str(prediction.get("class", ""))),
    )


def draw_predictions(image: Image.Image, results: Sequence[Mapping[str, Any]]) -> Image.Image:
    """A copy of ``image`` with the boxes, polygons, key points and class of ``results``.

    A prediction whose box is not made of finite numbers is left out.
    """
    from PIL import Image as PILImage
    from PIL import ImageDraw

    shapes = [
        shape
        for result in results
        for shape in map(_shape, result.get("predictions") or [])
        if shape is not None
    ]
    canvas = image.convert("RGB")
    side = min(canvas.size)
    line = max(2, round(side / 250))
    font = _font(max(11, round(side / 40)))
    # Polygon fills are translucent: drawn on an overlay, blended in before the outlines.
    overlay = PILImage.new("RGBA", canvas.size, (0, 0, 0, 0))
    fill = ImageDraw.Draw(overlay)
    for shape in shapes:
        if len(shape.polygon) >= 3:
            fill.polygon(shape.polygon, fill=(*shape.colour, FILL_ALPHA))
    canvas = PILImage.alpha_composite(canvas.convert("RGBA"), overlay).convert("RGB")
    draw = ImageDraw.Draw(canvas)
    radius = line + 2
    for shape in shapes:
        draw.rectangle(shape.box, outline=shape.colour, width=line)
        if len(shape.polygon) >= 3:
            draw.line([*shape.polygon, shape.polygon[0]], fill=shape.colour, width=max(1, line - 1))
        for px, py in shape.keypoints:
            draw.ellipse(
                (px - radius, py - radius, px + radius, py + radius),
                fill=shape.colour,
                outline=(255, 255, 255),
            )
    taken: list[Box] = []
    for result in results:
        caption = classification_caption(result)
        if caption:
            colour = class_colour(caption.split(" ")[0])
            _label(draw, (0, 0), caption, colour, font, taken, canvas.size)
    for shape in shapes:
        _label(draw, shape.box[:2], shape.caption, shape.colour, font, taken, canvas.size)
    return canvas
