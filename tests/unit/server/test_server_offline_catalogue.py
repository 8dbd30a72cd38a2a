"""What the offline models predict, worked out without a server."""

from __future__ import annotations

import pytest

from rf_client.server.offline_models import (
    CANDIDATES,
    ExpectedBox,
    expected_box,
    expected_point,
    offline_model,
)

CHELSEA = (451, 300)


@pytest.mark.parametrize(
    ("label", "box"),
    [
        ("A", ExpectedBox(225.5, 150.0, 141.0, 94.0)),
        ("B", ExpectedBox(232.5, 152.0, 141.0, 94.0)),
        ("C", ExpectedBox(113.0, 225.0, 70.0, 38.0)),
        ("D", ExpectedBox(352.5, 47.0, 35.0, 28.0)),
    ],
)
def test_boxes_on_chelsea(label: str, box: ExpectedBox) -> None:
    (candidate,) = [c for c in CANDIDATES if c.label == label]
    assert expected_box(candidate, *CHELSEA) == box


def test_boxes_on_a_square_network_sized_image_are_unscaled() -> None:
    assert expected_box(CANDIDATES[0], 640, 640) == ExpectedBox(320.0, 320.0, 200.0, 200.0)


def test_keypoints_on_chelsea() -> None:
    points = {k.name: expected_point(k, *CHELSEA) for k in CANDIDATES[0].keypoints}
    assert points == {
        "nose": (226.0, 141.0),
        "left_eye": (204.0, 127.0),
        "right_eye": (247.0, 127.0),
    }


def test_detection_output_rows() -> None:
    rows = offline_model("offline-od/1").output_rows()
    assert len(rows) == 4 + 3  # xywh + cat, dog, person
    assert rows[0] == [320, 330, 160, 500]  # cx of A, B, C, D
    assert rows[4] == [0.90, 0.60, 0.0, 0.0]  # cat scores
    assert rows[5] == [0.0, 0.0, 0.75, 0.0]  # dog
    assert rows[6] == [0.0, 0.0, 0.0, 0.20]  # person


def test_segmentation_rows_select_prototype_0_for_a_and_1_for_the_rest() -> None:
    rows = offline_model("offline-seg/1").output_rows()
    assert len(rows) == 4 + 3 + 32
    coefficients = rows[7:]
    assert coefficients[0] == [1.0, 0.0, 0.0, 0.0]
    assert coefficients[1] == [0.0, 1.0, 1.0, 1.0]
    assert all(row == [0.0] * 4 for row in coefficients[2:])


def test_keypoint_rows_fold_every_class_into_person() -> None:
    rows = offline_model("offline-kp/1").output_rows()
    assert len(rows) == 4 + 1 + 3 * 3
    assert rows[4] == [0.90, 0.60, 0.75, 0.20]
    nose_x, nose_y, nose_confidence = rows[5], rows[6], rows[7]
    assert (nose_x[0], nose_y[0], nose_confidence[0]) == (320, 300, 0.95)
    assert nose_confidence[1:] == [0.0, 0.0, 0.0]  # Other boxes report no key points.
    assert rows[13][0] == 0.30  # right_eye confidence of A


def test_classifier_emits_probabilities() -> None:
    assert offline_model("offline-cls/1").output_rows() == [[0.7, 0.2, 0.1]]


def test_unknown_model_id() -> None:
    with pytest.raises(KeyError):
        offline_model("offline-od/2")
