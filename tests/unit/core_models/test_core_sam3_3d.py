"""SAM 3D (``sam3_3d_infer``): 1.8.3's body and query, the answer, refusals; sync and async."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from rf_client import (
    InferenceConfiguration,
    InferenceHTTPClient,
    InvalidInputError,
    InvalidParameterError,
    NotFoundError,
    ResponseValidationError,
    ServiceUnavailableError,
)
from tests.support.fake_server import FakeServer, json_reply
from tests.unit.compat.compat_support import run_in_sdk, sdk_available
from tests.unit.core_models.conftest import Call

Encoded = Callable[[str], str]

POLYGON = [10.0, 10.0, 120.0, 10.0, 120.0, 90.0, 10.0, 90.0]
RLE = {"counts": "PQ5a0", "size": [300, 451]}
ANSWER = {
    "mesh_glb": "Z2xURgI=",
    "gaussian_ply": "cGx5Cg==",
    "objects": [
        {
            "mesh_glb": "Z2xURgI=",
            "gaussian_ply": "cGx5Cg==",
            "metadata": {"rotation": [1.0, 0.0, 0.0, 0.0], "translation": [0.0, 0.0, 1.5],
                         "scale": [1.0, 1.0, 1.0]},
        }
    ],
    "time": 12.5,
}  # fmt: skip
DEFAULT_FLAGS = {
    "output_meshes": True,
    "output_scene": True,
    "with_mesh_postprocess": True,
    "with_texture_baking": True,
    "use_distillations": False,
}


def test_sends_the_image_mask_model_and_every_flag_with_billing_in_the_query(
    fake_server: FakeServer, call: Call, cat: str, encoded: Encoded
) -> None:
    fake_server.on("POST", "/sam3_3d/infer", json_reply(200, ANSWER))
    client = InferenceHTTPClient(fake_server.url, "k").configure(
        InferenceConfiguration(
            source="app", source_info="v2", count_inference=False, service_secret="shh"
        )
    )
    result = call(client, "sam3_3d_infer", cat, POLYGON)
    assert result == ANSWER
    assert isinstance(result, dict)
    (request,) = fake_server.requests
    assert (request.method, request.path) == ("POST", "/sam3_3d/infer")
    assert request.json() == {
        "image": {"type": "base64", "value": encoded(cat)},
        "model_id": "sam3-3d-objects",
        "mask_input": POLYGON,
        **DEFAULT_FLAGS,
        "source": "app",
        "source_info": "v2",
    }
    assert request.query == {"countinference": ["false"], "service_secret": ["shh"]}
    # Header transport (rf-client's default): the key is not in the body.
    assert request.headers["authorization"] == "Bearer k"


def test_options_and_the_mask_go_as_given_and_legacy_transport_puts_the_key_in_the_body(
    fake_server: FakeServer, call: Call, cat: str, encoded: Encoded
) -> None:
    fake_server.on("POST", "/sam3_3d/infer", json_reply(200, ANSWER))
    client = InferenceHTTPClient(fake_server.url, "secret-key").configure(
        InferenceConfiguration(api_key_transport="legacy")
    )
    masks: list[Any] = [RLE, [[10, 10], [50, 10], [50, 50]]]
    call(
        client,
        "sam3_3d_infer",
        cat,
        masks,
        "sam3-3d-objects/v2",
        output_meshes=False,
        output_scene=False,
        with_mesh_postprocess=False,
        with_texture_baking=False,
        use_distillations=True,
    )
    (request,) = fake_server.requests
    assert request.json() == {
        "image": {"type": "base64", "value": encoded(cat)},
        "model_id": "sam3-3d-objects/v2",
        "mask_input": masks,
        "output_meshes": False,
        "output_scene": False,
        "with_mesh_postprocess": False,
        "with_texture_baking": False,
        "use_distillations": True,
        "api_key": "secret-key",
    }
    assert "authorization" not in request.headers
    assert request.query == {}


def test_v0_mode_puts_the_key_in_the_query_as_1_8_3_does(
    fake_server: FakeServer, call: Call, cat: str
) -> None:
    fake_server.on("POST", "/sam3_3d/infer", json_reply(200, ANSWER))
    client = InferenceHTTPClient(fake_server.url, "secret-key").select_api_v0()
    call(client, "sam3_3d_infer", cat, POLYGON)
    (request,) = fake_server.requests
    assert request.query == {"api_key": ["secret-key"]}
    assert "api_key" not in request.json()


def test_the_body_and_query_are_inference_sdk_1_8_3s(
    fake_server: FakeServer, cat: str, encoded: Encoded
) -> None:
    """The same call through inference-sdk 1.8.3 itself, against the same fake server."""
    if not sdk_available():
        pytest.skip("inference-sdk 1.8.3 is not installed (make unit installs it)")
    fake_server.on("POST", "/sam3_3d/infer", json_reply(200, ANSWER))
    settings = (
        'api_key_transport="legacy", source="app", source_info="v2", count_inference=False, '
        'service_secret="shh"'
    )
    arguments = (
        f"{cat!r}, {json.dumps(POLYGON)}, 'sam3-3d-objects', output_scene=False, "
        "use_distillations=True"
    )
    code = (
        "import json\n"
        "from inference_sdk import InferenceConfiguration, InferenceHTTPClient\n"
        f"client = InferenceHTTPClient(api_url={fake_server.url!r}, api_key='k')\n"
        f"client.configure(InferenceConfiguration({settings}))\n"
        f"print(json.dumps(client.sam3_3d_infer({arguments})))\n"
    )
    assert run_in_sdk(code) == ANSWER
    client = InferenceHTTPClient(fake_server.url, "k").configure(
        InferenceConfiguration(
            api_key_transport="legacy",
            source="app",
            source_info="v2",
            count_inference=False,
            service_secret="shh",
        )
    )
    result = client.sam3_3d_infer(
        cat, POLYGON, "sam3-3d-objects", output_scene=False, use_distillations=True
    )
    assert result == ANSWER
    sdk, ours = fake_server.requests
    assert (ours.method, ours.path) == (sdk.method, sdk.path)
    assert ours.json() == sdk.json()
    assert ours.json()["image"] == {"type": "base64", "value": encoded(cat)}
    # 1.8.3 writes the boolean as Python prints it ("False"); the server reads either.
    lowered = {name: [value.lower() for value in values] for name, values in sdk.query.items()}
    assert ours.query == lowered


def test_a_server_without_the_route_gives_a_not_found_error_saying_so(
    fake_server: FakeServer, call: Call, cat: str
) -> None:
    # No route: the fake server answers 404, as a server without SAM 3D behind a router does.
    with pytest.raises(NotFoundError) as caught:
        call(InferenceHTTPClient(fake_server.url), "sam3_3d_infer", cat, POLYGON)
    error = caught.value
    assert error.status_code == 404
    assert error.endpoint == "POST /sam3_3d/infer"
    assert "This server does not serve SAM 3D" in str(error)
    assert "SAM3_3D_OBJECTS_ENABLED" in str(error)
    assert len(fake_server.requests) == 1  # a 404 is final


def test_inference_1_8_3s_legacy_route_answer_says_the_server_may_not_serve_it(
    fake_server: FakeServer, call: Call, cat: str
) -> None:
    # What the real 1.8.3 server answers offline: /sam3_3d/infer falls through to its legacy
    # /{dataset_id}/{version_id} route, which cannot load a model "sam3_3d/infer".
    fake_server.on(
        "POST",
        "/sam3_3d/infer",
        json_reply(503, {"message": "Internal error. Could not connect to Roboflow API."}),
    )
    client = InferenceHTTPClient(fake_server.url).with_options(max_retries=0)
    with pytest.raises(ServiceUnavailableError, match=r"If this server does not serve SAM 3D"):
        call(client, "sam3_3d_infer", cat, POLYGON)


def test_an_answer_that_is_not_an_object_is_a_validation_error(
    fake_server: FakeServer, call: Call, cat: str
) -> None:
    fake_server.on("POST", "/sam3_3d/infer", json_reply(200, [ANSWER]))
    with pytest.raises(ResponseValidationError, match="JSON object"):
        call(InferenceHTTPClient(fake_server.url), "sam3_3d_infer", cat, POLYGON)


@pytest.mark.parametrize(
    ("case", "error", "match"),
    [
        ("a list of images", InvalidInputError, "one image, not a list"),
        ("a missing file", InvalidInputError, "missing.png"),
        ("no mask", InvalidParameterError, "mask_input is required"),
        ("a numpy mask", InvalidParameterError, "binary mask has no JSON form"),
        ("a NaN coordinate", InvalidParameterError, "cannot be sent as JSON"),
        ("a set", InvalidParameterError, "cannot be sent as JSON"),
        ("an empty model id", InvalidParameterError, "model_id"),
        ("a flag that is no bool", InvalidParameterError, "output_meshes must be True or False"),
    ],
)
def test_bad_input_is_refused_before_anything_is_sent(
    fake_server: FakeServer,
    call: Call,
    cat: str,
    case: str,
    error: type[Exception],
    match: str,
) -> None:
    fake_server.on("POST", "/sam3_3d/infer", json_reply(200, ANSWER))
    image: object = cat
    mask: object = POLYGON
    options: dict[str, Any] = {}
    if case == "a list of images":
        image = [cat]
    elif case == "a missing file":
        image = "missing.png"
    elif case == "no mask":
        mask = None
    elif case == "a numpy mask":
        mask = np.zeros((300, 451), dtype=np.uint8)
    elif case == "a NaN coordinate":
        mask = [10.0, math.nan, 20.0, 20.0, 30.0, 10.0]
    elif case == "a set":
        mask = {1, 2, 3}
    elif case == "an empty model id":
        options["model_id"] = ""
    else:
        options["output_meshes"] = "yes"
    with pytest.raises(error, match=match):
        call(InferenceHTTPClient(fake_server.url), "sam3_3d_infer", image, mask, **options)
    assert fake_server.requests == []
