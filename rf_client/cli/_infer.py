"""``rf-client infer``: run a model or a workflow on images, folders and videos."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from rf_client.cli._artefacts import OutputFolder
from rf_client.cli._common import UsageError, exit_code_for_failures
from rf_client.cli._config_flags import build_configuration
from rf_client.cli._connection import client_from_args
from rf_client.cli._emit import Emitter
from rf_client.cli._inputs import expand_inputs
from rf_client.cli._job import InferJob
from rf_client.cli._progress import Progress, per_server
from rf_client.cli._targets import ModelTarget, target_from_args
from rf_client.config import DEFAULT_IMAGE_EXTENSIONS
from rf_client.errors import InvalidParameterError


def _output_folder(path: Path | None) -> OutputFolder | None:
    if path is None:
        return None
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"--output-dir: cannot create {str(path)!r}: {error.strerror}.") from None
    return OutputFolder(path)


def run_infer(args: argparse.Namespace, out: TextIO, err: TextIO, secrets: list[str]) -> int:
    """Run a parsed ``infer`` command line; the exit code.

    Raises:
        UsageError: The command line asks for something impossible.
    """
    try:
        configuration = build_configuration(args)
    except InvalidParameterError as error:
        raise UsageError(str(error)) from None
    target = target_from_args(args)
    extensions = configuration.image_extensions_for_directory_scan or DEFAULT_IMAGE_EXTENSIONS
    inputs = expand_inputs(args.inputs, extensions, secrets)
    if isinstance(target, ModelTarget) and not inputs:
        raise UsageError("give at least one image, folder or video to run the model on.")
    folder = _output_folder(args.output_dir)
    client = client_from_args(args).configure(configuration)
    # Each video counts as one item until its length is known.
    progress = Progress(len(inputs) or 1, err, enabled=not args.quiet)
    emitter = Emitter(out, err, progress, table=args.format == "table")
    try:
        InferJob(client, target, emitter, progress, folder, secrets).run(inputs)
    finally:
        emitter.finish()
        client.close()
    if not args.quiet:
        servers = per_server(client.node_stats())
        if servers is not None:
            err.write(f"rf-client: {servers}\n")
        err.write(f"rf-client: {progress.summary()}\n")
        if folder is not None and emitter.files:
            count = len(emitter.files)
            noun = "image" if count == 1 else "images"
            err.write(f"rf-client: {count} {noun} saved in {folder.folder}/\n")
    return exit_code_for_failures(emitter.failures, emitter.succeeded)
