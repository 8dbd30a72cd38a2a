"""Asking a local server whether it is up, with the standard library only."""

from __future__ import annotations

import json
from typing import Any


def fetch_info(url: str, timeout: float = 2.0) -> dict[str, Any] | None:
    """``GET {url}/info`` as a dict, or None if the server does not answer it with JSON."""
    # Imported here: urllib.request pulls in http.client, email and ssl (~15 ms), which
    # importing rf_client.server must not cost.
    import urllib.error
    import urllib.request

    # Loopback traffic must never go through an HTTP(S)_PROXY from the environment.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"{url}/info", timeout=timeout) as response:
            if response.status != 200:
                return None
            payload = json.loads(response.read())
    except (OSError, ValueError, urllib.error.URLError):
        return None
    return payload if isinstance(payload, dict) else None
