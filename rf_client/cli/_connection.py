"""The options every server command takes (URL, key, API version, timeout, retries)."""

from __future__ import annotations

import argparse
import os
from typing import Any

from rf_client.cli._common import API_KEY_ENV, API_URL_ENV, DEFAULT_API_URL, Parser, UsageError
from rf_client.client import InferenceHTTPClient
from rf_client.errors import InvalidParameterError


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, not {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected seconds above 0, not {text!r}")
    return value


def _retries(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, not {text!r}")
    return value


def connection_parent() -> Parser:
    """A parent parser with ``--api-url``, ``--api-key``, ``--api-v0/--api-v1``, ``--timeout``
    and ``--max-retries`` (add it with ``parents=[...]``)."""
    parent = Parser(add_help=False)
    group = parent.add_argument_group("server connection")
    group.add_argument(
        "--api-url",
        metavar="URL",
        action="append",
        help=(
            f"the inference server (env {API_URL_ENV}; default {DEFAULT_API_URL}); repeat it or "
            "separate URLs with commas to spread the requests over several servers"
        ),
    )
    group.add_argument(
        "--api-key",
        metavar="KEY",
        help=(
            f"your Roboflow API key (env {API_KEY_ENV}, preferred: a flag is visible to other "
            "users in the process list); never printed"
        ),
    )
    # Not an argparse mutually exclusive group: nested in an argument group it is deprecated,
    # and on its own it would list these two apart from the other connection options.
    group.add_argument(
        "--api-v0",
        action="store_true",
        help="speak the hosted v0 API (default: chosen from the URL)",
    )
    group.add_argument(
        "--api-v1",
        action="store_true",
        help="speak a self-hosted server's v1 API",
    )
    group.add_argument(
        "--timeout",
        type=_positive_seconds,
        metavar="SECONDS",
        help="timeout of each request (default: 10 s to connect, 120 s to read)",
    )
    group.add_argument(
        "--max-retries",
        type=_retries,
        default=2,
        metavar="N",
        help="retries of a failed request: connection errors, timeouts, 408, 429, 5xx (default 2)",
    )
    return parent


def api_key_of(args: argparse.Namespace) -> str | None:
    """The API key: ``--api-key``, else ``ROBOFLOW_API_KEY``, else None."""
    key: str | None = args.api_key or os.environ.get(API_KEY_ENV) or None
    return key


def api_urls_of(args: argparse.Namespace) -> list[str]:
    """The servers: every ``--api-url`` (each may list several, comma-separated), else
    ``ROBOFLOW_API_URL`` (comma-separated too), else the default.

    Raises:
        UsageError: A comma leaves an empty URL (``a,,b``, a trailing comma).
    """
    given: list[str] = args.api_url or [os.environ.get(API_URL_ENV) or DEFAULT_API_URL]
    urls = [part.strip() for value in given for part in value.split(",")]
    if not all(urls):
        raise UsageError(
            "--api-url: an empty URL between commas; give URLs like "
            "http://10.0.0.1:9001,http://10.0.0.2:9001 (or repeat --api-url)."
        )
    return urls


def client_from_args(args: argparse.Namespace) -> InferenceHTTPClient:
    """A client for the server and options of a parsed command line.

    Raises:
        UsageError: The URL or an option value is invalid.
    """
    if args.api_v0 and args.api_v1:
        raise UsageError("--api-v0 and --api-v1 exclude each other: give one.")
    urls = api_urls_of(args)
    options: dict[str, Any] = {"max_retries": args.max_retries}
    if args.timeout is not None:
        options["timeout"] = args.timeout
    try:
        client = InferenceHTTPClient(
            urls[0] if len(urls) == 1 else urls, api_key_of(args), **options
        )
    except InvalidParameterError as error:
        raise UsageError(f"--api-url: {error}") from None
    if args.api_v0:
        client.select_api_v0()
    elif args.api_v1:
        client.select_api_v1()
    return client
