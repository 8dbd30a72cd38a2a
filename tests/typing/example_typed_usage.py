"""The typed-usage example of docs/typed.md, verbatim below this docstring (checked, never run).

tests/unit/typing_surface/test_typed_docs.py keeps the two identical; mypy --strict and pyright
strict check this copy.
"""

import asyncio

import supervision as sv
from rf_api_v1.models import (
    InstanceSegmentationPrediction,
    ObjectDetectionInferenceResponse,
)

from rf_client import InferenceConfiguration, InferenceHTTPClient, RFClientError

MODEL = "project/3"


def confident_classes(client: InferenceHTTPClient, photo: str, threshold: float) -> list[str]:
    """The classes of the boxes found in one photo at ``threshold`` or above."""
    response = client.typed.infer.object_detection(photo, model_id=MODEL)  # one response
    return [box.class_ for box in response.predictions if box.confidence >= threshold]


def boxes_per_photo(client: InferenceHTTPClient, photos: list[str]) -> list[int]:
    """How many boxes each photo has: a list in gives a list out, in the same order."""
    responses = client.typed.infer.object_detection(photos, model_id=MODEL)  # any sequence
    return [len(response.predictions) for response in responses]


def polygon_sizes(client: InferenceHTTPClient, photo: str) -> list[int]:
    """Vertices per instance; the masks are polygons unless response_mask_format="rle"."""
    response = client.typed.infer.instance_segmentation(photo, model_id="project/4")
    return [
        len(instance.points)
        for instance in response.predictions
        if isinstance(instance, InstanceSegmentationPrediction)
    ]


def labels(client: InferenceHTTPClient, photo: str) -> list[str]:
    """Multi-label classifiers answer every class above its threshold."""
    response = client.typed.infer.multi_label_classification(photo, model_id="project/5")
    return response.predicted_classes


def detections(client: InferenceHTTPClient, photo: str) -> sv.Detections:
    """supervision reads dicts: give it the model's ``to_dict()`` (or the documented API's dict)."""
    response = client.typed.infer.object_detection(photo, model_id=MODEL)
    return sv.Detections.from_inference(response.to_dict())


def count_on_video(client: InferenceHTTPClient, video: str) -> dict[int | str, int]:
    """Boxes per frame of a video; a frame the server refused counts -1 instead of stopping."""
    counts: dict[int | str, int] = {}
    for frame_id, _frame, result in client.typed.video.stream(
        video, MODEL, response=ObjectDetectionInferenceResponse, on_error="yield"
    ):
        counts[frame_id] = -1 if isinstance(result, RFClientError) else len(result.predictions)
    return counts


def count(client: InferenceHTTPClient, photo: str) -> int:
    """The same code for a self-hosted server and the hosted API (a client in v0 mode)."""
    return len(client.typed.infer.object_detection(photo, model_id=MODEL).predictions)


def sizes_or_failures(
    client: InferenceHTTPClient, photos: list[str]
) -> list[tuple[int, int] | str]:
    """``on_error="return"``: a failed photo's error takes its place, the others are kept."""
    results = client.typed.infer.object_detection(photos, model_id=MODEL, on_error="return")
    return [
        f"failed: {result}"
        if isinstance(result, RFClientError)
        else (result.image.width, result.image.height)  # one image per response
        for result in results
    ]


async def first_class_async(client: InferenceHTTPClient, photo: str) -> str | None:
    """Every op has an ``_async`` twin with the same types."""
    response = await client.typed.infer.object_detection_async(photo, model_id=MODEL)
    return response.predictions[0].class_ if response.predictions else None


def main() -> None:
    """Run the functions above against a local server."""
    client = InferenceHTTPClient("http://localhost:9001", api_key="ROBOFLOW_API_KEY")
    client.configure(InferenceConfiguration(confidence_threshold=0.25, max_batch_size=4))
    print(confident_classes(client, "photo.jpg", threshold=0.5))
    print(boxes_per_photo(client, ["a.jpg", "b.jpg"]))
    print(asyncio.run(first_class_async(client, "photo.jpg")))
    # A URL that cannot be downloaded fails its own item only: the list keeps "a.jpg"'s sizes.
    print(sizes_or_failures(client, ["a.jpg", "https://example.com/gone.jpg"]))
    hosted = InferenceHTTPClient("https://detect.roboflow.com", api_key="ROBOFLOW_API_KEY")
    print(count(client, "photo.jpg"), count(hosted, "photo.jpg"))  # v1 and v0, one function
