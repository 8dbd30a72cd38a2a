"""Construction and client mode: v0 for exactly the hosted hosts, v1 for everything else."""

from __future__ import annotations

import pytest

from rf_client import HTTPClientMode, InferenceConfiguration, InferenceHTTPClient
from tests.support.fake_server import FakeServer, json_reply

HOSTED_HOSTS = [
    "detect.roboflow.com",
    "outline.roboflow.com",
    "classify.roboflow.com",
    "infer.roboflow.com",
    "serverless.roboflow.com",
    "asyncinfer.roboflow.com",
    "serverless.roboflow.one",
    "serverless.roboflow.eu",
    "serverless.roboflow-eu.one",
    "asyncinfer.roboflow.one",
]

URL_SHAPES = [
    "https://{host}",
    "https://{host}/",
    "https://{host}/some/path",
    "https://{host}:443",
    "https://{host}:8443/",
    "http://{host}",
    "https://{upper}",
    "https://{mixed}/",
]


def _v0_urls() -> list[str]:
    urls = []
    for host in HOSTED_HOSTS:
        mixed = "".join(c.upper() if i % 2 else c for i, c in enumerate(host))
        for shape in URL_SHAPES:
            urls.append(shape.format(host=host, upper=host.upper(), mixed=mixed))
    return urls


V1_URLS = [
    "http://localhost:9001",
    "http://127.0.0.1:9001/",
    "https://detect.roboflow.com.evil.example",
    "https://detect.roboflow.com.evil.example/",
    "https://notdetect.roboflow.com",
    "https://evil.example/detect.roboflow.com",
    "https://evil.example/?u=https://detect.roboflow.com",
    "https://roboflow.com",
    "https://api.roboflow.com",
    "https://app.roboflow.com",
    "https://detect.roboflow.co",
    "https://detect-roboflow.com",
    "https://serverless.roboflow.one.example",
    "https://my-server.internal:9001/prefix",
]


@pytest.mark.parametrize("api_url", _v0_urls())
def test_hosted_hosts_start_in_v0(api_url: str) -> None:
    assert InferenceHTTPClient(api_url, "key").client_mode is HTTPClientMode.V0
    assert InferenceHTTPClient.init(api_url=api_url, api_key="key").client_mode is HTTPClientMode.V0


@pytest.mark.parametrize("api_url", V1_URLS)
def test_every_other_url_starts_in_v1(api_url: str) -> None:
    assert InferenceHTTPClient(api_url, "key").client_mode is HTTPClientMode.V1
    assert InferenceHTTPClient.init(api_url, "key").client_mode is HTTPClientMode.V1


def test_upper_case_scheme_is_a_valid_url() -> None:
    assert (
        InferenceHTTPClient("HTTPS://DETECT.ROBOFLOW.COM", "key").client_mode is HTTPClientMode.V0
    )


def test_positional_and_keyword_construction_and_init_are_equivalent(
    fake_server: FakeServer,
) -> None:
    fake_server.on("GET", "/info", json_reply(200, {"name": "s", "version": "1", "uuid": "u"}))
    positional = InferenceHTTPClient(fake_server.url, "key-1")
    keyword = InferenceHTTPClient(api_url=fake_server.url + "/", api_key="key-2")
    via_init = InferenceHTTPClient.init(fake_server.url, "key-3")
    assert isinstance(via_init, InferenceHTTPClient)
    for client in (positional, keyword, via_init):
        assert client.client_mode is HTTPClientMode.V1
        assert client.selected_model is None
        assert client.inference_configuration == InferenceConfiguration()
        info = client.get_server_info()
        assert info.version == "1"
    # The trailing slash of api_url does not double up in request paths.
    assert [r.path for r in fake_server.requests] == ["/info"] * 3
    assert [r.headers["authorization"] for r in fake_server.requests] == [
        "Bearer key-1",
        "Bearer key-2",
        "Bearer key-3",
    ]


def test_api_url_path_prefix_is_kept(fake_server: FakeServer) -> None:
    fake_server.on(
        "GET", "/proxy/inference/info", json_reply(200, {"name": "s", "version": "2", "uuid": "u"})
    )
    client = InferenceHTTPClient(fake_server.url + "/proxy/inference/", None)
    assert client.get_server_info().version == "2"
    assert [r.path for r in fake_server.requests] == ["/proxy/inference/info"]
    assert "authorization" not in fake_server.requests[0].headers


def test_api_key_never_shows_in_repr() -> None:
    client = InferenceHTTPClient("http://localhost:9001", "very-secret-key-123")
    assert "very-secret-key-123" not in repr(client)
    assert "v1" in repr(client)
