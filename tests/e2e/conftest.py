"""The real inference 1.8.3 server, started once per test session with the offline models.

``real_server`` installs the server if needed (minutes, once per machine), builds the four
offline models into a temporary folder, starts ONE server on a free loopback port and
stops it when the session ends, checking that its process is gone. Any failure fails the
tests loudly with the relevant log; they are skipped only when ``RF_CLIENT_SKIP_E2E=1``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from rf_client.server import (
    LocalServer,
    ServerHandle,
    ServerManagementError,
    build_offline_models,
    install,
    process_exists,
)

E2E_DIR = Path(__file__).parent
IMAGES_DIR = E2E_DIR.parent / "fixtures" / "images"

# Only the test call is timed: install (minutes on a fresh machine) and start (about 15 s)
# run in the session fixture and have their own limits.
E2E_TEST_TIMEOUT = 120


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give every e2e test a per-call timeout that excludes the session set-up."""
    for item in items:
        if E2E_DIR in Path(str(item.path)).parents and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(E2E_TEST_TIMEOUT, func_only=True))


@dataclass(frozen=True)
class RealServer:
    """The running server: its base URL, the folder of offline models it serves, and the
    handle (pid, port, log) of its process."""

    url: str
    models_dir: Path
    handle: ServerHandle


@pytest.fixture(scope="session")
def real_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    """One real server for the whole session, always stopped at the end."""
    if os.environ.get("RF_CLIENT_SKIP_E2E") == "1":
        pytest.skip("RF_CLIENT_SKIP_E2E=1: end-to-end tests against the real server skipped")
    try:
        install()
        models = build_offline_models(tmp_path_factory.mktemp("offline-models"))
    except ServerManagementError as error:
        pytest.fail(f"could not prepare the real inference server:\n{error}", pytrace=False)
    server = LocalServer(models_dir=models.models_dir)
    try:
        handle = server.start()
    except ServerManagementError as error:
        pytest.fail(f"could not start the real inference server:\n{error}", pytrace=False)
    try:
        yield RealServer(url=handle.url, models_dir=models.models_dir, handle=handle)
    finally:
        server.stop()
    assert not process_exists(handle.pid), f"server process {handle.pid} survived stop()"


@pytest.fixture(scope="session")
def chelsea_png() -> bytes:
    """chelsea.png, 451x300: the image whose predictions the offline models fix."""
    return (IMAGES_DIR / "chelsea.png").read_bytes()
