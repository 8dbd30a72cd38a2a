"""Fixtures for the command-line tests: run ``rf-client`` in-process with captured output."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from rf_client.cli import main


@dataclass(frozen=True)
class CLIResult:
    """What one ``rf-client`` run printed and returned."""

    code: int
    out: str
    err: str

    def lines(self) -> list[dict[str, Any]]:
        """stdout as JSON lines."""
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]


RunCLI = Callable[..., CLIResult]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> RunCLI:
    """``cli("infer", ...)``: run the command line; its exit code and captured output.

    The environment's API URL and key are removed first, so tests see only what they set.
    """
    monkeypatch.delenv("ROBOFLOW_API_KEY", raising=False)
    monkeypatch.delenv("ROBOFLOW_API_URL", raising=False)

    def run(*argv: str) -> CLIResult:
        code = main(list(argv))
        captured = capsys.readouterr()
        return CLIResult(code, captured.out, captured.err)

    return run
