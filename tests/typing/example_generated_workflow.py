"""docs/typed.md's example of a generated workflow module, checked by mypy and pyright strict.

``template_matching`` is the module ``rf-client generate workflow`` wrote for
tests/fixtures/workflows/template_matching.json (a template, the photo, ``min_conf``).
"""

import asyncio

from rf_api_v1.models import ObjectDetectionInferenceResponse

from rf_client import InferenceHTTPClient
from rf_client.workflow_runtime import ImageArray
from tests.fixtures.workflows.typed import template_matching
from tests.fixtures.workflows.typed.template_matching import (
    TemplateMatchingInputs,
    TemplateMatchingOutputs,
)


def matches(client: InferenceHTTPClient, photo: str, template: str) -> list[tuple[float, float]]:
    """The centres of the template's matches in one photo (one row per input image)."""
    (row,) = template_matching.run(client, image=photo, template=template, min_conf=0.9)
    # predictions' kinds allow boxes, masks or keypoints: narrow to what this workflow gives.
    if not isinstance(row.predictions, ObjectDetectionInferenceResponse):
        return []
    return [(box.x, box.y) for box in row.predictions.predictions]


def crops_per_photo(client: InferenceHTTPClient, photos: list[str], template: str) -> list[int]:
    """A list of photos is a batch: a row each, in order; crops are decoded BGR arrays."""
    rows = template_matching.run(client, image=photos, template=template)
    return [len(row.crops) for row in rows]


def visualisation(row: TemplateMatchingOutputs) -> ImageArray:
    """Image outputs are decoded uint8 arrays (an ``NDArray[np.uint8]``), as OpenCV reads them."""
    return row.viz


async def run_all(client: InferenceHTTPClient, inputs: list[TemplateMatchingInputs]) -> int:
    """The inputs as objects, run concurrently with the ``_async`` twin."""
    batches = await asyncio.gather(
        *(template_matching.run_inputs_async(client, one) for one in inputs)
    )
    return sum(len(rows) for rows in batches)


def main() -> None:
    """Run the functions above against a local server."""
    client = InferenceHTTPClient("http://localhost:9001", api_key="ROBOFLOW_API_KEY")
    print(matches(client, "shapes.png", "template.png"))
    inputs = [TemplateMatchingInputs(image=p, template="template.png") for p in ["a.png", "b.png"]]
    print(asyncio.run(run_all(client, inputs)))
