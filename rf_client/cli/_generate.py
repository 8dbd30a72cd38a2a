"""``rf-client generate workflow``: write a typed module for a workflow, or check one is fresh."""

from __future__ import annotations

import argparse
import os
import shlex
import tempfile
from pathlib import Path
from typing import TextIO

from rf_client._workflow_codegen import Target, expected_record, generate, staleness
from rf_client.cli._common import EXIT_OK, UsageError, error_report, exit_code_for_error
from rf_client.cli._connection import client_from_args
from rf_client.errors import InvalidParameterError, RFClientError

EXIT_STALE = 1
"""``--check``: the module is stale (or missing); regenerate it."""


def _target(args: argparse.Namespace) -> Target:
    if args.spec is not None:
        if args.workspace is not None or args.workflow_id is not None:
            raise UsageError("give --spec FILE or --workspace and --workflow-id, not both.")
        return Target(specification_path=Path(args.spec))
    if args.workspace is None or args.workflow_id is None:
        raise UsageError(
            "no workflow given: pass --spec FILE.json, or --workspace NAME and --workflow-id ID."
        )
    return Target(workspace_name=args.workspace, workflow_id=args.workflow_id)


def _command(args: argparse.Namespace) -> str:
    """The command line that regenerates the module (no key, no server URL)."""
    parts = ["rf-client", "generate", "workflow"]
    if args.spec is not None:
        parts += ["--spec", Path(args.spec).as_posix()]
    else:
        parts += ["--workspace", args.workspace, "--workflow-id", args.workflow_id]
    if args.name:
        parts += ["--name", args.name]
    if args.class_prefix:
        parts += ["--class-prefix", args.class_prefix]
    parts += ["--output", Path(args.output).as_posix()]
    return shlex.join(parts)


def _write(path: Path, text: str) -> None:
    """Write atomically: an interrupted run never leaves half a module behind."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except OSError as error:
        raise InvalidParameterError(
            f"cannot write {str(path)!r} ({error.strerror or error}): choose another --output."
        ) from None


def _check(args: argparse.Namespace, out: TextIO, target: Target) -> int:
    output = Path(args.output)
    try:
        text = output.read_text(encoding="utf-8")
    except OSError as error:
        out.write(f"stale: {output} cannot be read ({error.strerror or error}); generate it.\n")
        return EXIT_STALE
    client = None if target.specification_path is not None else client_from_args(args)
    try:
        expected = expected_record(target, client)
    finally:
        if client is not None:
            client.close()
    reason = staleness(text, expected)
    if reason is not None:
        out.write(f"stale: {output}: {reason}; regenerate it with: {_command(args)}\n")
        return EXIT_STALE
    out.write(f"fresh: {output} matches {expected.source}\n")
    return EXIT_OK


def run_generate(args: argparse.Namespace, out: TextIO, err: TextIO, secrets: list[str]) -> int:
    """``rf-client generate workflow``: the exit code (0 written or fresh, 1 stale)."""
    target = _target(args)
    try:
        if args.check:
            return _check(args, out, target)
        client = client_from_args(args)
        try:
            text = generate(
                target, client, command=_command(args), name=args.name, prefix=args.class_prefix
            )
        finally:
            client.close()
        _write(Path(args.output), text)
    except RFClientError as error:
        report = error_report(error, secrets)
        err.write(f"error: {report['type']}: {report['message']}\n")
        return exit_code_for_error(error)
    out.write(f"wrote {args.output} ({target.source})\n")
    return EXIT_OK
