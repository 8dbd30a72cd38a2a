"""Where things live, and the environment the server starts with."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rf_client.server import ServerLayout, ServerStateError, default_root, list_servers
from rf_client.server.environment import server_environment


def test_root_prefers_rf_client_home() -> None:
    environ = {"RF_CLIENT_HOME": "/opt/rf", "XDG_CACHE_HOME": "/xdg"}
    assert default_root(environ) == Path("/opt/rf")


def test_root_falls_back_to_xdg_cache_home_then_home_cache() -> None:
    assert default_root({"XDG_CACHE_HOME": "/xdg"}) == Path("/xdg/rf-client")
    assert default_root({"RF_CLIENT_HOME": "", "XDG_CACHE_HOME": ""}) == (
        Path("~/.cache/rf-client").expanduser()
    )


def test_layout_paths() -> None:
    layout = ServerLayout(Path("/r"))
    assert layout.venv_dir == Path("/r/inference-1.8.3/venv")
    assert layout.venv_python == Path("/r/inference-1.8.3/venv/bin/python")
    assert layout.install_log == Path("/r/inference-1.8.3/state/install.log")
    instance = layout.instance(9001)
    assert instance.directory == Path("/r/inference-1.8.3/state/9001")
    assert instance.record_file.parent == instance.log_file.parent == instance.directory


def test_known_instances_are_the_ports_with_a_record(layout: ServerLayout) -> None:
    for port in (9002, 9001):
        layout.instance(port).directory.mkdir(parents=True)
        layout.instance(port).record_file.write_text("{}")
    layout.instance(9003).directory.mkdir()  # No record: not an instance.
    assert [instance.port for instance in layout.known_instances()] == [9001, 9002]


def _environment(**kwargs: object) -> dict[str, str]:
    base = {"PATH": "/bin", "PYTHONPATH": "/work/main", "VIRTUAL_ENV": "/dev-venv"}
    return server_environment(
        base=base,
        venv_dir=Path("/srv/venv"),
        default_cache_dir=Path("/state/cache"),
        **kwargs,  # type: ignore[arg-type]
    )


def test_default_environment_is_offline_friendly_and_isolated() -> None:
    env = _environment()
    assert env["PATH"] == "/bin"
    assert "PYTHONPATH" not in env  # The dev checkout must not leak into the server venv.
    assert env["VIRTUAL_ENV"] == "/srv/venv"
    assert env["DISABLE_VERSION_CHECK"] == "True"
    assert env["METRICS_ENABLED"] == env["ACTIVE_LEARNING_ENABLED"] == "False"
    assert env["OTEL_TRACING_ENABLED"] == env["OTEL_METRICS_ENABLED"] == "False"
    assert env["TELEMETRY_USE_PERSISTENT_QUEUE"] == "False"
    assert env["HF_HUB_OFFLINE"] == env["TRANSFORMERS_OFFLINE"] == "1"
    assert env["ENABLE_STREAM_API"] == "False"
    assert env["MODEL_CACHE_DIR"] == env["INFERENCE_HOME"] == "/state/cache"
    assert "OFFLINE_MODE" not in env


def test_models_dir_turns_on_offline_mode_and_is_both_caches() -> None:
    env = _environment(models_dir=Path("/models"))
    assert env["OFFLINE_MODE"] == "True"
    assert env["MODEL_CACHE_DIR"] == env["INFERENCE_HOME"] == "/models"


def test_all_routes_and_overrides_win() -> None:
    env = _environment(all_routes=True, overrides={"ENABLE_STREAM_API": "False", "X": "1"})
    assert env["CORE_MODEL_SAM3_ENABLED"] == env["CORE_MODEL_OWLV2_ENABLED"] == "True"
    assert env["ENABLE_STREAM_API"] == "False"
    assert env["X"] == "1"
    assert _environment(all_routes=True)["ENABLE_STREAM_API"] == "True"


def test_an_unreadable_state_folder_is_an_error_of_ours(
    layout: ServerLayout, monkeypatch: pytest.MonkeyPatch
) -> None:
    layout.state_dir.mkdir(parents=True)

    def refuse(folder: Path) -> Iterator[Path]:
        # As for a folder without read permission (tests may run as root, which ignores it).
        raise PermissionError(13, "Permission denied", str(folder))

    monkeypatch.setattr(Path, "iterdir", refuse)
    with pytest.raises(ServerStateError, match="cannot read the servers' state folder") as caught:
        layout.known_instances()
    assert str(layout.state_dir) in str(caught.value)
    with pytest.raises(ServerStateError):
        list_servers(layout=layout)
