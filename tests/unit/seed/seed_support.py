"""Running the code examples of the user documentation (inference-http-client.txt) as they are.

Each seed test holds one example verbatim (checked against the documentation copy next to this
module) and runs it with :func:`run_example`, which changes only what issue 3 allows:
``from inference_sdk import`` becomes ``from rf_client import``, ``http://localhost:9001`` and
the hosted image host point at the fake server, and any extra placeholder replacement a test
names explicitly (each must occur, so a silent no-op cannot happen). Top-level expression
statements keep their values in :attr:`ExampleRun.values`, so a test can look at what
``CLIENT.get_server_info()`` returned without the example assigning it.
"""

from __future__ import annotations

import ast
import asyncio
import base64
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from tests.support.fake_server import FakeServer, RecordedRequest, Reply, json_reply, raw_reply
from tests.unit.compat.compat_support import IMAGES_DIR, ModelSpec, serve_models

DOCUMENTATION = Path(__file__).with_name("inference-http-client.txt")
"""A copy of /work/shared/seed/inference-http-client.txt, the user documentation."""

SHARED_DOCUMENTATION = Path("/work/shared/seed/inference-http-client.txt")

HOSTED_IMAGE_HOST = "https://source.roboflow.com"
IMAGE_PATH = "/pwYAXv9BTpqLyFfgQoPZ/u48G0UpWfk8giSw7wrU8/original.jpg"
"""The path of the documentation's image URL, served by the fake server (rocket.jpg)."""

MODELS = ("soccer-players-5fuqs/1", "another-model/1", "some/1")
VALUES_NAME = "__seed_example_values__"


def normalised(text: str) -> str:
    """``text`` without trailing spaces on its lines nor blank lines around it."""
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def assert_documented(code: str) -> None:
    """``code`` appears verbatim (trailing spaces aside) in the documentation copy."""
    assert normalised(code) in normalised(DOCUMENTATION.read_text()), (
        "this example is not in tests/unit/seed/inference-http-client.txt verbatim"
    )


def adapt(code: str, server_url: str, replacements: Mapping[str, str] | None = None) -> str:
    """The example as it runs here: rf_client import, the fake server's URL, ``replacements``."""
    assert "from inference_sdk import" in code
    adapted = code.replace("from inference_sdk import", "from rf_client import")
    adapted = adapted.replace("http://localhost:9001", server_url)
    adapted = adapted.replace(HOSTED_IMAGE_HOST, server_url)
    for old, new in (replacements or {}).items():
        assert old in adapted, f"{old!r} is not in the example"
        adapted = adapted.replace(old, new)
    return adapted


@dataclass
class ExampleRun:
    """What running an example left behind."""

    namespace: dict[str, Any]
    values: list[Any] = field(default_factory=list)
    """The value of each top-level expression statement, in order."""

    def __getitem__(self, name: str) -> Any:
        return self.namespace[name]


def _capture_expression_values(tree: ast.Module) -> ast.Module:
    body: list[ast.stmt] = []
    for statement in tree.body:
        if isinstance(statement, ast.Expr):
            call = ast.Call(
                func=ast.Attribute(
                    value=ast.Name(id=VALUES_NAME, ctx=ast.Load()), attr="append", ctx=ast.Load()
                ),
                args=[statement.value],
                keywords=[],
            )
            statement = ast.copy_location(ast.Expr(value=call), statement)
        body.append(statement)
    return ast.fix_missing_locations(ast.Module(body=body, type_ignores=[]))


def run_example(
    code: str,
    server_url: str,
    replacements: Mapping[str, str] | None = None,
    *,
    documented: bool = True,
) -> ExampleRun:
    """Run a documentation example (see the module docstring); its namespace and values.

    ``documented=False`` runs a snippet written from the documentation's prose (the text
    describes a call without showing its code); it is adapted the same way.
    """
    if documented:
        assert_documented(code)
    source = adapt(code, server_url, replacements)
    tree = _capture_expression_values(ast.parse(source))
    values: list[Any] = []
    namespace: dict[str, Any] = {"__name__": "seed_example", VALUES_NAME: values}
    exec(compile(tree, "<documentation example>", "exec"), namespace)
    return ExampleRun(namespace, values)


def run_coroutine_function(run: ExampleRun, name: str) -> Any:
    """Await the example's ``async def name()`` in a fresh event loop; what it returns."""
    return asyncio.run(run[name]())


# The fake server, answering like an inference server for every route the examples use.


def image_of(value: Any) -> Image.Image:
    """The image of a ``{"type": "base64", "value": ...}`` field."""
    assert value["type"] == "base64"
    image = Image.open(io.BytesIO(base64.b64decode(value["value"])))
    image.load()
    return image


def images_in(field_value: Any) -> list[Any]:
    """An ``image`` field's images: one object, or a list of them."""
    return field_value if isinstance(field_value, list) else [field_value]


def _per_image(request: RecordedRequest, make: Any) -> Reply:
    body = request.json()
    answers = [make(image_of(image)) for image in images_in(body["image"])]
    return json_reply(200, answers if isinstance(body["image"], list) else answers[0])


def clip_image_answer(image: Image.Image) -> dict[str, Any]:
    return {"frame_id": None, "time": 0.01, "embeddings": [[image.size[0] / 1000, 0.5, 0.25]]}


def ocr_answer(image: Image.Image) -> dict[str, Any]:
    return {"result": f"text of {image.size[0]}x{image.size[1]}", "time": 0.02}


def gaze_answer(image: Image.Image) -> dict[str, Any]:
    width, height = image.size
    face = {
        "x": width / 2,
        "y": height / 2,
        "width": 10.0,
        "height": 12.0,
        "confidence": 0.97,
        "class": "face",
        "class_confidence": None,
        "class_id": 0,
        "tracker_id": None,
        "landmarks": [{"x": width / 2 - 2, "y": height / 2 - 2}],
    }
    return {"predictions": [{"face": face, "yaw": 0.1, "pitch": -0.2}], "time": 0.03}


WORKFLOW_TRACE = [{"name": "step_a", "ph": "X", "ts": 1, "dur": 5}]


def workflow_answer(request: RecordedRequest) -> Reply:
    body = request.json()
    profiler_trace = WORKFLOW_TRACE if body.get("enable_profiling") else []
    outputs = [{"inputs_seen": sorted(body["inputs"]), "count": 1}]
    return json_reply(200, {"outputs": outputs, "profiler_trace": profiler_trace})


def serve_documentation_routes(server: FakeServer) -> None:
    """Make ``server`` answer every route the documentation's examples call."""
    image = (IMAGES_DIR / "rocket.jpg").read_bytes()
    server.on("GET", IMAGE_PATH, raw_reply(200, image, "image/jpeg"))
    serve_models(server, {model: ModelSpec() for model in MODELS})
    server.on(
        "GET",
        "/info",
        json_reply(200, {"name": "Roboflow Inference Server", "version": "0.9.21", "uuid": "u-1"}),
    )
    server.on("POST", "/model/remove", json_reply(200, {"models": []}))
    server.on("POST", "/model/clear", json_reply(200, {"models": []}))
    server.on("POST", "/clip/embed_image", handler=lambda r: _per_image(r, clip_image_answer))

    def clip_text(request: RecordedRequest) -> Reply:
        text = request.json()["text"]
        texts = text if isinstance(text, list) else [text]
        return json_reply(
            200, {"time": 0.01, "embeddings": [[len(t) / 10, 0.5, 0.25] for t in texts]}
        )

    server.on("POST", "/clip/embed_text", handler=clip_text)

    def clip_compare(request: RecordedRequest) -> Reply:
        prompt = request.json()["prompt"]
        prompts = prompt if isinstance(prompt, list) else [prompt]
        similarity = [round(0.9 - 0.1 * index, 2) for index in range(len(prompts))]
        return json_reply(200, {"similarity": similarity, "time": 0.02})

    server.on("POST", "/clip/compare", handler=clip_compare)
    server.on(
        "POST",
        "/llm/cogvlm",
        json_reply(200, {"response": "The image shows YYY.", "time": 1.5}),
    )
    server.on("POST", "/doctr/ocr", handler=lambda r: _per_image(r, ocr_answer))

    def gaze(request: RecordedRequest) -> Reply:
        # Servers that had gaze detection answered a list: one result per image sent.
        body = request.json()
        return json_reply(200, [gaze_answer(image_of(i)) for i in images_in(body["image"])])

    server.on("POST", "/gaze/gaze_detection", handler=gaze)
    server.on("POST", "/workflows/run", handler=workflow_answer)
    server.on("POST", "/my_workspace_name/workflows/my_workflow_id", handler=workflow_answer)
    server.on("POST", "/infer/workflows", handler=workflow_answer)


def gone_reply() -> Reply:
    """inference 1.8.3's answer to ``POST /gaze/gaze_detection`` (see real-server notes)."""
    return json_reply(
        410,
        {
            "message": "Feature /gaze/gaze_detection is deprecated and has been removed.",
            "error_type": "FeatureDeprecatedError",
            "feature": "/gaze/gaze_detection",
            "removal_release": "end of Q2 2026",
            "replacement": None,
            "reason": "MediaPipe dependency removed from inference; endpoint is a 410 stub.",
        },
    )


def inference_calls(server: FakeServer) -> list[RecordedRequest]:
    """Requests other than image downloads and registry lookups, in arrival order."""
    return [
        r
        for r in server.requests
        if not (r.method == "GET" and r.path in (IMAGE_PATH, "/model/registry"))
    ]


def paths(requests: list[RecordedRequest]) -> list[str]:
    """``"METHOD /path"`` of each request."""
    return [f"{r.method} {r.path}" for r in requests]


def read_json(path: Path) -> Any:
    """A JSON file's content."""
    return json.loads(path.read_text())
