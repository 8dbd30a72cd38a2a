"""What every command of the command line shares: exit codes, usage errors, error reports."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable, Sequence
from typing import NoReturn, TypedDict

from rf_client._redaction import redact
from rf_client.errors import (
    APIConnectionError,
    APIKeyNotProvided,
    APIStatusError,
    InvalidModelIdentifier,
    InvalidParameterError,
    ModelNotSelectedError,
    ModelTaskTypeNotSupportedError,
    ResponseValidationError,
    RFClientError,
    WrongClientModeError,
)

EXIT_OK = 0
"""Every item succeeded (or the command did what it was asked)."""
EXIT_ITEMS_FAILED = 1
"""Some items failed; the other results were still printed."""
EXIT_USAGE = 2
"""The command line is wrong (unknown option, bad value, missing model or workflow)."""
EXIT_SERVER = 3
"""The server could not be reached, or answered with an error, before any result."""
EXIT_INTERRUPTED = 130
"""Interrupted with Ctrl-C (SIGINT)."""

EXIT_CODES_EPILOG = f"""\
exit codes:
  {EXIT_OK}    all items succeeded
  {EXIT_ITEMS_FAILED}    some items failed (every result and error is still printed)
  {EXIT_USAGE}    usage error (bad option or value, no model or workflow given)
  {EXIT_SERVER}    the server could not be reached or answered with an error before any result
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C)"""

SERVER_CALL_EXIT_CODES_EPILOG = f"""\
exit codes:
  {EXIT_OK}    done
  {EXIT_USAGE}    usage error (bad option or value)
  {EXIT_SERVER}    the server could not be reached or answered with an error
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C)"""
"""The exit codes of ``info`` and ``models``, which have no items to fail one by one."""

API_KEY_ENV = "ROBOFLOW_API_KEY"
API_URL_ENV = "ROBOFLOW_API_URL"
DEFAULT_API_URL = "http://localhost:9001"

USAGE_ERRORS: tuple[type[RFClientError], ...] = (
    InvalidParameterError,
    InvalidModelIdentifier,
    ModelNotSelectedError,
    ModelTaskTypeNotSupportedError,
    WrongClientModeError,
    APIKeyNotProvided,
)
"""Errors that mean the command line asked for something impossible: exit 2."""

SERVER_ERRORS: tuple[type[RFClientError], ...] = (
    APIConnectionError,
    APIStatusError,
    ResponseValidationError,
)
"""Errors that come from the server or the way to it: exit 3 when nothing succeeded."""


class UsageError(Exception):
    """The command line is wrong; ``main`` prints the message and the usage, and exits 2.

    Attributes:
        parser: The parser whose usage line is printed (None: no usage line).
        message: What is wrong and how to fix it.
    """

    def __init__(self, message: str, parser: argparse.ArgumentParser | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.parser = parser


class Parser(argparse.ArgumentParser):
    """An argument parser that raises :class:`UsageError` instead of exiting.

    ``main`` then prints the message with the secrets of the command line redacted: argparse
    quotes offending arguments, and one of them may be an API key typed in the wrong place.
    """

    def error(self, message: str) -> NoReturn:
        """Raise :class:`UsageError` for ``message`` (argparse calls this on bad input)."""
        raise UsageError(message, self)


class ErrorReport(TypedDict):
    """An error as the JSON output shows it."""

    type: str
    message: str


MISSING_KEY_MESSAGE = (
    f"no API key was given and this request needs one: set {API_KEY_ENV} (preferred: other "
    "users can see a flag in the process list) or pass --api-key KEY."
)
"""What the command line says for APIKeyNotProvided: its own variable and flag, where the
client's message (for Python callers) names InferenceHTTPClient's ``api_key=``."""


def error_report(error: BaseException, secrets: Iterable[str | None] = ()) -> ErrorReport:
    """``{"type": ..., "message": ...}`` of an error, with ``secrets`` redacted."""
    if isinstance(error, APIKeyNotProvided):
        return {"type": type(error).__name__, "message": MISSING_KEY_MESSAGE}
    return {"type": type(error).__name__, "message": redact(str(error), *secrets)}


def command_line_secrets(argv: Sequence[str]) -> list[str]:
    """The API key and service secret of a command line and the environment, to redact.

    Read before parsing, so even a usage error about a misplaced key never prints it.
    """
    secret_options = ("--api-key", "--service-secret")
    found = [os.environ.get(API_KEY_ENV, "")]
    for index, argument in enumerate(argv):
        for option in secret_options:
            if argument == option and index + 1 < len(argv):
                found.append(argv[index + 1])
            elif argument.startswith(option + "="):
                found.append(argument.partition("=")[2])
    return [secret for secret in found if secret]


def exit_code_for_failures(failures: Iterable[type[BaseException]], succeeded: int) -> int:
    """The exit code of a run with ``succeeded`` successes and failures of these classes.

    0 without failures; 1 when something succeeded; when nothing did: 2 if a failure is a
    usage error, 3 if one came from the server or the connection, else 1.
    """
    kinds = list(failures)
    if not kinds:
        return EXIT_OK
    if succeeded:
        return EXIT_ITEMS_FAILED
    if any(issubclass(kind, USAGE_ERRORS) for kind in kinds):
        return EXIT_USAGE
    if any(issubclass(kind, SERVER_ERRORS) for kind in kinds):
        return EXIT_SERVER
    return EXIT_ITEMS_FAILED


def exit_code_for_error(error: RFClientError) -> int:
    """The exit code of a command (``info``, ``models ...``) that failed with ``error``."""
    return exit_code_for_failures([type(error)], succeeded=0)
