"""The four locally built models and the exact predictions they make.

Each model is a constant ONNX graph: whatever the image, the network emits the same raw
YOLOv8 tensor, holding four candidate boxes (in 640x640 network pixels). The server's own
post-processing (confidence filter, NMS, mask decoding, rescaling) turns them into
predictions, so a test knows the answer in advance:

===== ===================== ===== ===== ===========================================
cand.  cx, cy, w, h          class score with default confidence and IoU
===== ===================== ===== ===== ===========================================
A      320, 320, 200, 200    0     0.90  kept
B      330, 325, 200, 200    0     0.60  removed by NMS (IoU with A about 0.86)
C      160, 480, 100, 80     1     0.75  kept
D      500, 100, 50, 60      2     0.20  below the default confidence
===== ===================== ===== ===== ===========================================

For the keypoint model every class id is taken modulo its single class, and A carries three
key points. For the segmentation model A's mask is a disc of radius 80 network pixels around
its centre (prototype 0) and every other box's mask fills the box (prototype 1).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CANDIDATES",
    "CLASSIFICATION_PROBABILITIES",
    "KEYPOINT_NAMES",
    "NETWORK_SIZE",
    "OFFLINE_MODELS",
    "PROTOTYPES",
    "Candidate",
    "ExpectedBox",
    "Keypoint",
    "OfflineModelSpec",
    "PrototypeSpec",
    "TaskType",
    "expected_box",
    "expected_point",
    "offline_model",
]

NETWORK_SIZE = 640
"""Width and height of the network input; images are stretched to it."""

TaskType = str
"""An ``inference-models`` task type, e.g. ``"object-detection"``."""


@dataclass(frozen=True)
class Keypoint:
    """A key point of a candidate, in network pixels."""

    name: str
    x: float
    y: float
    confidence: float


@dataclass(frozen=True)
class Candidate:
    """One raw box the network emits for every image, in network pixels."""

    label: str
    cx: float
    cy: float
    width: float
    height: float
    class_id: int
    score: float
    prototype: int
    """Index of the segmentation prototype its mask coefficients select."""
    keypoints: tuple[Keypoint, ...] = ()
    """Either none or one per name of ``KEYPOINT_NAMES``, in that order."""

    @property
    def corners(self) -> tuple[float, float, float, float]:
        """``(x1, y1, x2, y2)`` in network pixels."""
        half_w, half_h = self.width / 2, self.height / 2
        return (self.cx - half_w, self.cy - half_h, self.cx + half_w, self.cy + half_h)


KEYPOINT_NAMES = ("nose", "left_eye", "right_eye")
"""The key point slots of the keypoint model, in output order."""

CANDIDATES: tuple[Candidate, ...] = (
    Candidate(
        "A", 320, 320, 200, 200, class_id=0, score=0.90, prototype=0,
        keypoints=(
            Keypoint("nose", 320, 300, 0.95),
            Keypoint("left_eye", 290, 270, 0.90),
            Keypoint("right_eye", 350, 270, 0.30),
        ),
    ),
    Candidate("B", 330, 325, 200, 200, class_id=0, score=0.60, prototype=1),
    Candidate("C", 160, 480, 100, 80, class_id=1, score=0.75, prototype=1),
    Candidate("D", 500, 100, 50, 60, class_id=2, score=0.20, prototype=1),
)  # fmt: skip
"""The four raw boxes, A to D."""

CLASSIFICATION_PROBABILITIES = (0.7, 0.2, 0.1)
"""The classifier's softmax output, for classes ``cat, dog, bird``."""


@dataclass(frozen=True)
class PrototypeSpec:
    """The segmentation prototypes (``output1``, ``[32, 160, 160]`` per image).

    Prototype 0 is ``level`` inside a disc and ``-level`` outside; prototype 1 is ``level``
    everywhere; the rest are zero. ``level`` is far enough from zero that the mask is the
    same with and without the server's sigmoid smoothing.
    """

    channels: int = 32
    size: int = 160
    disc_centre: tuple[float, float] = (80.0, 80.0)
    disc_radius: float = 20.0
    level: float = 4.0


PROTOTYPES = PrototypeSpec()
"""Prototypes of the segmentation model: A's disc (radius 80 network px) at 1/4 scale."""


@dataclass(frozen=True)
class OfflineModelSpec:
    """One locally built model: its id, task and the raw tensors its graph emits."""

    model_id: str
    task_type: TaskType
    class_names: tuple[str, ...]

    @property
    def dataset(self) -> str:
        """The project part of the id (``offline-od`` in ``offline-od/1``)."""
        return self.model_id.split("/")[0]

    @property
    def version(self) -> str:
        """The version part of the id (``1`` in ``offline-od/1``)."""
        return self.model_id.split("/")[1]

    @property
    def is_classifier(self) -> bool:
        """Classifiers emit probabilities, not boxes."""
        return self.task_type == "classification"

    @property
    def keypoint_names(self) -> tuple[str, ...]:
        """Names of the key point slots (keypoint models only)."""
        return KEYPOINT_NAMES if self.task_type == "keypoint-detection" else ()

    def candidate_class(self, candidate: Candidate) -> int:
        """The class a candidate is scored for in this model."""
        return candidate.class_id % len(self.class_names)

    def output_rows(self) -> list[list[float]]:
        """``output0`` of one image: ``[C]`` for a classifier, else ``[rows, candidates]``.

        Rows are the YOLOv8 layout: cx, cy, w, h, one score per class, then 32 mask
        coefficients (segmentation) or x, y, confidence per key point (keypoints).
        """
        if self.is_classifier:
            return [list(CLASSIFICATION_PROBABILITIES)]
        rows = [
            [c.cx for c in CANDIDATES],
            [c.cy for c in CANDIDATES],
            [c.width for c in CANDIDATES],
            [c.height for c in CANDIDATES],
        ]
        for class_id in range(len(self.class_names)):
            rows.append(
                [c.score if self.candidate_class(c) == class_id else 0.0 for c in CANDIDATES]
            )
        if self.task_type == "instance-segmentation":
            for prototype in range(PROTOTYPES.channels):
                rows.append([1.0 if c.prototype == prototype else 0.0 for c in CANDIDATES])
        for slot in range(len(self.keypoint_names)):
            points = [_keypoint(c, slot) for c in CANDIDATES]
            rows.append([p.x for p in points])
            rows.append([p.y for p in points])
            rows.append([p.confidence for p in points])
        return rows


def _keypoint(candidate: Candidate, slot: int) -> Keypoint:
    """The candidate's key point in ``slot``, or a zero-confidence one the server drops."""
    if candidate.keypoints:
        return candidate.keypoints[slot]
    return Keypoint(KEYPOINT_NAMES[slot], 0.0, 0.0, 0.0)


OFFLINE_MODELS: tuple[OfflineModelSpec, ...] = (
    OfflineModelSpec("offline-od/1", "object-detection", ("cat", "dog", "person")),
    OfflineModelSpec("offline-cls/1", "classification", ("cat", "dog", "bird")),
    OfflineModelSpec("offline-seg/1", "instance-segmentation", ("cat", "dog", "person")),
    OfflineModelSpec("offline-kp/1", "keypoint-detection", ("person",)),
)
"""The models ``build_offline_models()`` writes."""


def offline_model(model_id: str) -> OfflineModelSpec:
    """The spec of one of :data:`OFFLINE_MODELS` by id (``KeyError`` if unknown)."""
    for spec in OFFLINE_MODELS:
        if spec.model_id == model_id:
            return spec
    raise KeyError(model_id)


@dataclass(frozen=True)
class ExpectedBox:
    """A box as the server reports it: centre and size in original-image pixels."""

    x: float
    y: float
    width: float
    height: float


def _scale(value: float, image_size: int) -> int:
    # The YOLOv8 post-processing rounds rescaled corners to integers (half to even, as
    # Python's round() does) before the response is built.
    return round(value * image_size / NETWORK_SIZE)


def expected_box(candidate: Candidate, image_width: int, image_height: int) -> ExpectedBox:
    """Where the server reports ``candidate`` on an image of this size (stretch resize).

    For chelsea.png (451x300) candidate A is ``x=225.5, y=150, width=141, height=94``.
    """
    x1, y1, x2, y2 = candidate.corners
    left, right = _scale(x1, image_width), _scale(x2, image_width)
    top, bottom = _scale(y1, image_height), _scale(y2, image_height)
    return ExpectedBox(
        x=(left + right) / 2,
        y=(top + bottom) / 2,
        width=float(right - left),
        height=float(bottom - top),
    )


def expected_point(keypoint: Keypoint, image_width: int, image_height: int) -> tuple[float, float]:
    """Where the server reports a key point on an image of this size (rounded like boxes)."""
    return float(_scale(keypoint.x, image_width)), float(_scale(keypoint.y, image_height))
