"""Command line: ``python -m rf_client.server install | start | status | stop | build-models``.

Exit codes: 0 success (for ``status``: a server is running), 1 failure (for ``status``: none
is running), 2 usage error. ``--json`` prints one JSON object on stdout instead of text.

The subcommands can be mounted in another parser (``rf-client server ...``)::

    server = subparsers.add_parser("server")
    add_subcommands(server.add_subparsers(dest="server_command_name", required=True))
    ...
    return run(parser.parse_args(argv))
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from rf_client._redaction import MIN_FREE_TEXT_LENGTH, REDACTED, redact
from rf_client.server.errors import ServerManagementError
from rf_client.server.install import install, is_installed
from rf_client.server.layout import DEFAULT_PORT, INFERENCE_VERSION, ServerLayout
from rf_client.server.lifecycle import (
    DEFAULT_GRACE_PERIOD,
    DEFAULT_START_TIMEOUT,
    ServerStatus,
    list_servers,
    seconds_problem,
    start,
    status,
    stop,
)
from rf_client.server.offline_models import build_offline_models

__all__ = [
    "EXIT_FAILURE",
    "EXIT_OK",
    "EXIT_USAGE",
    "add_subcommands",
    "build_parser",
    "main",
    "run",
]

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2

Handler = Callable[[argparse.Namespace], int]

# Variables holding an API key: the server inherits them and may print them in its log.
_SECRET_VARIABLES = ("ROBOFLOW_API_KEY", "API_KEY")

# "ROBOFLOW_API_KEY=value" / "API_KEY: value" in a log line: the shared redaction's field
# patterns miss these, since "_API_KEY" has no word boundary before "API".
_ASSIGNMENT = re.compile(r"(?P<name>API_KEY[\"']?\s*[=:]\s*[\"']?)[^\s\"',;&]+", re.IGNORECASE)


def _emit(args: argparse.Namespace, text: str, payload: dict[str, Any]) -> None:
    if args.json:
        sys.stdout.write(json.dumps(payload, default=str) + "\n")
    else:
        sys.stdout.write(text + "\n")


def _as_dict(value: Any) -> dict[str, Any]:
    fields: dict[str, Any] = dataclasses.asdict(value)
    return {key: str(item) if isinstance(item, Path) else item for key, item in fields.items()}


def _environment_pair(text: str) -> tuple[str, str]:
    name, separator, value = text.partition("=")
    if not separator or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"port out of range 1-65535: {port}")
    return port


def _seconds(text: str, *, zero_allowed: bool = False) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    problem = seconds_problem(value, zero_allowed=zero_allowed)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return value


def _timeout(text: str) -> float:
    return _seconds(text)


def _grace_period(text: str) -> float:
    return _seconds(text, zero_allowed=True)


def _install(args: argparse.Namespace) -> int:
    layout = ServerLayout.from_environment()
    if not args.json and (args.force or not is_installed(layout)):
        sys.stderr.write(
            f"installing inference {INFERENCE_VERSION} into {layout.venv_dir} "
            f"(log: {layout.install_log}); a first install takes minutes\n"
        )
    done = install(layout=layout, python=args.python, force=args.force)
    state = "installed" if done.freshly_installed else "already installed"
    _emit(args, f"{state}: {done.venv_dir}", _as_dict(done))
    return EXIT_OK


def _start(args: argparse.Namespace) -> int:
    handle = start(
        args.port,
        models_dir=args.models_dir,
        all_routes=args.all_routes,
        env=dict(args.env),
        timeout=args.timeout,
    )
    text = f"server running: pid {handle.pid}, {handle.url}, log {handle.log_path}"
    _emit(args, text, _as_dict(handle))
    return EXIT_OK


def _describe(server: ServerStatus) -> str:
    if not server.running:
        return f"port {server.port}: not running"
    answer = f"version {server.version}" if server.responding else "not answering yet"
    return (
        f"port {server.port}: running (pid {server.pid}), {answer}, {server.url}, "
        f"log {server.log_path}"
    )


def _status(args: argparse.Namespace) -> int:
    servers = [status(args.port)] if args.port is not None else list_servers()
    running = [server for server in servers if server.running]
    if args.json:
        payload = {"servers": [_as_dict(server) for server in servers]}
        sys.stdout.write(json.dumps(payload, default=str) + "\n")
    elif servers:
        sys.stdout.write("".join(_describe(server) + "\n" for server in servers))
    else:
        sys.stdout.write("no local inference server is running\n")
    return EXIT_OK if running else EXIT_FAILURE


def _stop(args: argparse.Namespace) -> int:
    stop(args.port, grace_period=args.grace_period)
    _emit(args, f"stopped the server on port {args.port}", {"port": args.port, "stopped": True})
    return EXIT_OK


def _build_models(args: argparse.Namespace) -> int:
    built = build_offline_models(args.models_dir)
    text = f"built {', '.join(built.model_ids)} in {built.models_dir}"
    _emit(args, text, _as_dict(built))
    return EXIT_OK


def _add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def add_subcommands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``install``, ``start``, ``status``, ``stop`` and ``build-models`` to a parser.

    Each subcommand stores its handler; dispatch the parsed namespace with :func:`run`.
    """
    installer = subparsers.add_parser("install", help="install the server (once per machine)")
    installer.add_argument("--python", help="Python 3.11 executable (default: python3.11)")
    installer.add_argument("--force", action="store_true", help="re-run pip even if installed")
    _add_json(installer)
    installer.set_defaults(server_handler=_install)

    starter = subparsers.add_parser("start", help="start a server on 127.0.0.1 in the background")
    starter.add_argument("--port", type=_port, default=DEFAULT_PORT, help="default %(default)s")
    starter.add_argument("--models-dir", type=Path, help="folder written by build-models")
    starter.add_argument(
        "--all-routes", action="store_true", help="also mount the stream, SAM3 and OWLv2 routes"
    )
    starter.add_argument(
        "--env",
        type=_environment_pair,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment variable for the server (repeatable)",
    )
    starter.add_argument(
        "--timeout",
        type=_timeout,
        default=DEFAULT_START_TIMEOUT,
        help="seconds to wait for GET /info (default %(default)s)",
    )
    _add_json(starter)
    starter.set_defaults(server_handler=_start)

    reporter = subparsers.add_parser(
        "status", help="show running servers (exit 1 if none is running)"
    )
    reporter.add_argument("--port", type=_port, help="only this port (default: all)")
    _add_json(reporter)
    reporter.set_defaults(server_handler=_status)

    stopper = subparsers.add_parser("stop", help="stop the server on a port")
    stopper.add_argument("--port", type=_port, default=DEFAULT_PORT, help="default %(default)s")
    stopper.add_argument(
        "--grace-period",
        type=_grace_period,
        default=DEFAULT_GRACE_PERIOD,
        help="seconds between SIGTERM and SIGKILL (default %(default)s)",
    )
    _add_json(stopper)
    stopper.set_defaults(server_handler=_stop)

    builder = subparsers.add_parser(
        "build-models", help="write the four offline test models into a folder"
    )
    builder.add_argument("models_dir", type=Path, help="folder to write into")
    _add_json(builder)
    builder.set_defaults(server_handler=_build_models)


def build_parser(prog: str = "python -m rf_client.server") -> argparse.ArgumentParser:
    """The stand-alone parser of ``python -m rf_client.server``."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description=f"Manage a local Roboflow inference {INFERENCE_VERSION} server.",
    )
    add_subcommands(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    return parser


def _environment_secrets(args: argparse.Namespace) -> list[str]:
    """API keys the server may have printed: the caller's variables, and ``--env`` ones."""
    found = [os.environ.get(name, "") for name in _SECRET_VARIABLES]
    overrides: list[tuple[str, str]] = getattr(args, "env", None) or []
    found += [value for name, value in overrides if name in _SECRET_VARIABLES]
    return [secret for secret in found if secret]


def _redact_message(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` (an error message, often with the server's log tail) without any secret."""
    ordered = sorted({secret for secret in secrets if secret}, key=len, reverse=True)
    text = redact(text, *(secret for secret in ordered if len(secret) >= MIN_FREE_TEXT_LENGTH))
    for secret in ordered:
        if len(secret) < MIN_FREE_TEXT_LENGTH:
            # A short value (API_KEY=test) is hidden only as a whole token, as the shared
            # redaction does, so it does not mangle the words that contain it.
            word = r"A-Za-z0-9_\-"
            text = re.sub(rf"(?<![{word}]){re.escape(secret)}(?![{word}])", REDACTED, text)
    return _ASSIGNMENT.sub(lambda match: match.group("name") + REDACTED, text)


def run(args: argparse.Namespace, secrets: Iterable[str | None] = ()) -> int:
    """Run the subcommand of a namespace parsed with :func:`add_subcommands`' parsers.

    Args:
        args: The parsed command line.
        secrets: Values never to print (the API key of the calling command line). Error
            messages carry the end of the server's log, so they are redacted of these, of
            the values of ``ROBOFLOW_API_KEY``/``API_KEY`` (the caller's and ``--env``'s),
            and of ``API_KEY=...`` assignments.
    """
    handler: Handler = args.server_handler
    try:
        return handler(args)
    except ServerManagementError as error:
        message = _redact_message(str(error), [*secrets, *_environment_secrets(args)])
        if getattr(args, "json", False):
            payload = {"error": type(error).__name__, "message": message}
            sys.stdout.write(json.dumps(payload) + "\n")
        else:
            sys.stderr.write(f"error: {message}\n")
        return EXIT_FAILURE


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` (default ``sys.argv[1:]``) and run it; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_request:  # argparse exits on usage errors and --help.
        return exit_request.code if isinstance(exit_request.code, int) else EXIT_USAGE
    return run(args)
