"""``spec-pull``: fetch a running server's OpenAPI description into ``spec/v1/server.json``."""

from __future__ import annotations

import copy
import json
import urllib.error
import urllib.request

from codegen.selection import V1_OPERATIONS, select_operations
from codegen.spec_io import Spec, write_spec
from codegen.specs import V1_SERVER, write_all

DEFAULT_SERVER_URL = "http://localhost:9001"
FETCH_TIMEOUT_SECONDS = 60


class PullError(Exception):
    """The server's description could not be fetched or is not an OpenAPI document."""


def fetch_openapi(server_url: str) -> Spec:
    """``GET <server_url>/openapi.json``, checked to be an OpenAPI 3 document with a version."""
    url = server_url.rstrip("/") + "/openapi.json"
    if not url.startswith(("http://", "https://")):
        raise PullError(f"{server_url!r} is not an http(s) URL")
    try:
        with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310
            document = json.loads(response.read())
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise PullError(f"cannot fetch {url}: {error}. Is the server running?") from error
    except json.JSONDecodeError as error:
        raise PullError(f"{url} did not answer with JSON: {error}") from error
    if not (
        isinstance(document, dict)
        and str(document.get("openapi", "")).startswith("3.")
        and isinstance(document.get("info"), dict)
        and "version" in document["info"]
    ):
        raise PullError(f"{url} did not answer with an OpenAPI 3 document that has info.version")
    return document


def pull(server_url: str) -> list[str]:
    """Fetch the server's description, store it, rebuild the derived specs; report lines."""
    document = fetch_openapi(server_url)
    write_spec(V1_SERVER, document)
    write_all()
    left_out = select_operations(copy.deepcopy(document), V1_OPERATIONS)
    info = document["info"]
    return [
        f"Pulled {info.get('title', 'server')} {info['version']} from {server_url}: "
        f"{len(document.get('paths', {}))} paths, "
        f"{len(document.get('components', {}).get('schemas', {}))} schemas.",
        f"Wrote {V1_SERVER.name} and rebuilt spec/v1/openapi.json and spec/v0/openapi.json.",
        "Operations the client does not use (codegen/selection.py): " + ", ".join(left_out),
    ]
