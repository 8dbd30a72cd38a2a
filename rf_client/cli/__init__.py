"""``rf-client``: the command line of rf-client.

``rf-client infer`` runs a model or a workflow on images, folders and videos (JSON lines or a
table, annotated images on request); ``info`` and ``models`` talk to a server; ``server``
manages a local one; ``generate workflow`` writes a typed module for a workflow.
``rf-client --help`` and ``rf-client COMMAND --help`` show examples.

Exit codes (see :data:`EXIT_OK` and friends): 0 all items succeeded, 1 some failed (every
result still printed), 2 usage error, 3 the server could not be reached or failed before any
result, 130 interrupted.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TextIO

from rf_client._redaction import redact
from rf_client.cli._common import (
    EXIT_INTERRUPTED,
    EXIT_ITEMS_FAILED,
    EXIT_OK,
    EXIT_SERVER,
    EXIT_USAGE,
    UsageError,
    command_line_secrets,
)
from rf_client.cli._parser import PROG, build_parser

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_ITEMS_FAILED",
    "EXIT_OK",
    "EXIT_SERVER",
    "EXIT_USAGE",
    "build_parser",
    "main",
]


def _run(argv: list[str], out: TextIO, err: TextIO, secrets: list[str]) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_request:  # --help (0); argparse's own exits
        return exit_request.code if isinstance(exit_request.code, int) else EXIT_USAGE
    command: str = args.command
    if command == "server":
        from rf_client.server.cli import run as run_server

        return run_server(args, secrets)
    if command == "info":
        from rf_client.cli._registry import run_info

        return run_info(args, out, err, secrets)
    if command == "models":
        from rf_client.cli._registry import run_models

        return run_models(args, out, err, secrets)
    if command == "generate":
        from rf_client.cli._generate import run_generate

        return run_generate(args, out, err, secrets)
    from rf_client.cli._infer import run_infer

    return run_infer(args, out, err, secrets)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``rf-client`` with ``argv`` (default ``sys.argv[1:]``); the exit code.

    Results go to stdout; the progress bar, the summary, warnings and errors to stderr. The
    API key (``--api-key`` or ``ROBOFLOW_API_KEY``) is never printed, even in usage errors.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    out, err = sys.stdout, sys.stderr
    secrets = command_line_secrets(arguments)
    try:
        return _run(arguments, out, err, secrets)
    except UsageError as error:
        if error.parser is not None:
            err.write(redact(error.parser.format_usage(), *secrets))
        prog = error.parser.prog if error.parser is not None else PROG
        err.write(f"{prog}: error: {redact(error.message, *secrets)}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        err.write("\nrf-client: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`rf-client infer ... | head`): stop quietly, as Unix tools do,
        # and point stdout at nothing so the interpreter's final flush does not complain.
        _silence_stdout()
        return EXIT_OK


def _silence_stdout() -> None:
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # replaced by a non-file stream
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, descriptor)
    finally:
        os.close(devnull)
