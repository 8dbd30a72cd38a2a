"""The ``rf-client`` argument parser: commands, options, help texts and examples."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import cast

from rf_client.cli._common import (
    API_KEY_ENV,
    API_URL_ENV,
    EXIT_CODES_EPILOG,
    SERVER_CALL_EXIT_CODES_EPILOG,
    Parser,
)
from rf_client.cli._config_flags import add_configuration_flags, text_list
from rf_client.cli._connection import connection_parent
from rf_client.cli._targets import name_value
from rf_client.server.cli import add_subcommands as add_server_subcommands

PROG = "rf-client"
FORMATTER = argparse.RawDescriptionHelpFormatter

MAIN_EXAMPLES = f"""\
examples:
  rf-client infer photo.jpg --model-id my-project/3
  rf-client infer photos/ --model-id my-project/3 --format table --output-dir out/
  rf-client infer scene.jpg --workflow-spec workflow.json --param min_conf=0.8
  rf-client info
  rf-client models list
  rf-client server start --models-dir models/
  rf-client generate workflow --spec workflow.json --output my_workflow.py

The server is http://localhost:9001 unless --api-url or {API_URL_ENV} says otherwise; the API
key comes from --api-key or {API_KEY_ENV} (preferred) and is never printed.

{EXIT_CODES_EPILOG}"""

INFER_EXAMPLES = f"""\
examples:
  # one image, a few, a folder (its jpg/jpeg/png files), a video (frame by frame):
  rf-client infer photo.jpg --model-id my-project/3
  rf-client infer a.jpg b.png https://example.com/c.jpg --model-id my-project/3
  rf-client infer photos/ --model-id my-project/3 --max-batch-size 4 \\
      --max-concurrent-requests 8 --confidence-threshold 0.5 --format table
  rf-client infer clip.mp4 --model-id my-project/3 --output-dir annotated/
  # a workflow: a definition in a file, or one saved on the platform:
  rf-client infer scene.jpg --workflow-spec match.json --image template=template.png \\
      --param min_conf=0.9
  rf-client infer photos/ --workspace my-team --workflow-id count-cars --api-key "$KEY"

output:
  one JSON line per input (per frame for videos), in input order:
    {{"input": "photo.jpg", "ok": true, "result": {{...}}, "files": [...]}}
    {{"input": "bad.jpg", "ok": false, "error": {{"type": "...", "message": "..."}}}}
  "files" lists the images written with --output-dir. Images inside results are
  {{"type": "base64", "value": ...}} objects, or {{"type": "file", "path": ...}} with --output-dir.
  A workflow's result is its outputs dict. --format table prints the input, what was
  found, the top confidence and the time of its request (for video frames: the time since
  the frame before). A progress bar (on a terminal) and a summary go to stderr.

{EXIT_CODES_EPILOG}"""

INFO_EXAMPLES = f"""\
examples:
  rf-client info
  rf-client info --api-url http://127.0.0.1:9001 --json

{SERVER_CALL_EXIT_CODES_EPILOG}"""

MODELS_EXAMPLES = f"""\
examples:
  rf-client models list
  rf-client models load my-project/3
  rf-client models unload my-project/3
  rf-client models unload-all --json

{SERVER_CALL_EXIT_CODES_EPILOG}"""

GENERATE_EXAMPLES = f"""\
examples:
  # a typed module for a workflow definition (the server describes its kinds):
  rf-client generate workflow --spec workflow.json --output my_workflow.py
  # in CI: exit 1 when the module is stale against the definition (offline for --spec):
  rf-client generate workflow --spec workflow.json --output my_workflow.py --check
  # a workflow saved on the platform, described by the server (needs an API key):
  rf-client generate workflow --workspace my-team --workflow-id count-cars \\
      --output count_cars.py --api-url http://localhost:9001

The module has <Prefix>Inputs, <Prefix>Outputs (one row per input image) and run(client, *,
<inputs>) / run_async, typed for mypy --strict and pyright strict (docs/typed.md). The API key
comes from {API_KEY_ENV} or --api-key and never enters the module.

exit codes:
  0    module written (--check: it is fresh)
  1    --check: the module is stale or missing
  2    usage error (bad option, unreadable or invalid definition)
  3    the server could not be reached or answered with an error
  130  interrupted (Ctrl-C)"""

SERVER_EXAMPLES = """\
examples:
  rf-client server install                      # once per machine, a few minutes
  rf-client server build-models models/         # four offline test models
  rf-client server start --port 9001 --models-dir models/
  rf-client server status
  rf-client server stop --port 9001

exit codes: 0 success (status: a server is running), 1 failure (status: none is
running), 2 usage error."""


def _add_infer(commands: argparse._SubParsersAction[Parser]) -> None:
    infer = commands.add_parser(
        "infer",
        parents=[connection_parent()],
        help="run a model or a workflow on images, folders or videos",
        description=(
            "Run a model trained on the platform (--model-id) or a workflow on images, "
            "folders of images and videos; print one JSON line per input, or a table."
        ),
        epilog=INFER_EXAMPLES,
        formatter_class=FORMATTER,
    )
    infer.add_argument(
        "inputs",
        nargs="*",
        metavar="INPUT",
        help="image files or URLs, folders of images, video files or stream URLs",
    )
    what = infer.add_argument_group("model or workflow (exactly one)")
    what.add_argument("--model-id", metavar="PROJECT/VERSION", help="a platform model")
    what.add_argument(
        "--workflow-spec", metavar="FILE.json", help="a workflow definition in a JSON file"
    )
    what.add_argument("--workspace", metavar="NAME", help="the workspace of a saved workflow")
    what.add_argument("--workflow-id", metavar="ID", help="the id of a saved workflow")
    workflow = infer.add_argument_group("workflow inputs")
    workflow.add_argument(
        "--param",
        type=name_value,
        action="append",
        metavar="NAME=VALUE",
        help="a workflow parameter, JSON-decoded when it parses (0.5, true, [1,2]); repeatable",
    )
    workflow.add_argument(
        "--image",
        type=name_value,
        action="append",
        metavar="NAME=SOURCE",
        help="another image input, the same for every run (path or URL); repeatable",
    )
    workflow.add_argument(
        "--image-input",
        default="image",
        metavar="NAME",
        help="the workflow input each INPUT goes to (default: %(default)s)",
    )
    workflow.add_argument(
        "--excluded-fields",
        type=text_list,
        metavar="A,B",
        help="outputs the server should leave out",
    )
    output = infer.add_argument_group("output")
    output.add_argument(
        "--format",
        choices=("json", "table"),
        default="json",
        help="JSON lines (default) or a readable table",
    )
    output.add_argument(
        "--output-dir",
        type=Path,
        metavar="DIR",
        help="save annotated images (and the images workflows return) in DIR",
    )
    output.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bar, no summary on stderr"
    )
    add_configuration_flags(infer)
    infer.set_defaults(command="infer")


def _add_info(commands: argparse._SubParsersAction[Parser]) -> None:
    info = commands.add_parser(
        "info",
        parents=[connection_parent()],
        help="show the server's name and version",
        description="Show the inference server's name, version and instance id (GET /info).",
        epilog=INFO_EXAMPLES,
        formatter_class=FORMATTER,
    )
    info.add_argument("--json", action="store_true", help="print one JSON object")
    info.set_defaults(command="info")


def _add_models(commands: argparse._SubParsersAction[Parser]) -> None:
    models = commands.add_parser(
        "models",
        help="list, load and unload the server's models",
        description="The server's model registry (self-hosted servers, API v1).",
        epilog=MODELS_EXAMPLES,
        formatter_class=FORMATTER,
    )
    actions = models.add_subparsers(dest="models_action", required=True, metavar="ACTION")
    common = [connection_parent()]
    specs = (
        ("list", "the loaded models", False),
        ("load", "load a model (the registry after)", True),
        ("unload", "unload a model (the registry after)", True),
        ("unload-all", "unload every model", False),
    )
    for name, text, takes_model in specs:
        action = actions.add_parser(
            name,
            parents=common,
            help=text,
            description=f"{text[0].upper()}{text[1:]}.",
            epilog=MODELS_EXAMPLES,
            formatter_class=FORMATTER,
        )
        if takes_model:
            action.add_argument("model_id", metavar="MODEL", help="project/version or an alias")
        action.add_argument("--json", action="store_true", help="print one JSON object")
    models.set_defaults(command="models")


def _add_generate(commands: argparse._SubParsersAction[Parser]) -> None:
    generate = commands.add_parser(
        "generate",
        help="generate typed Python code (a module for a workflow)",
        description="Generate typed Python code from what the server describes.",
        epilog=GENERATE_EXAMPLES,
        formatter_class=FORMATTER,
    )
    kinds = generate.add_subparsers(dest="generate_kind", required=True, metavar="WHAT")
    workflow = kinds.add_parser(
        "workflow",
        parents=[connection_parent()],
        help="a typed module for one workflow: inputs, output rows, run()",
        description=(
            "Write a typed Python module for a workflow: its inputs, a class per output row "
            "(each field typed from its kind) and run()/run_async() on the workflow helpers; "
            "or, with --check, tell whether a module is stale."
        ),
        epilog=GENERATE_EXAMPLES,
        formatter_class=FORMATTER,
    )
    source = workflow.add_argument_group("workflow (a definition file, or a saved workflow)")
    source.add_argument("--spec", metavar="FILE.json", help="a workflow definition in a JSON file")
    source.add_argument("--workspace", metavar="NAME", help="the workspace of a saved workflow")
    source.add_argument("--workflow-id", metavar="ID", help="the id of a saved workflow")
    module = workflow.add_argument_group("module")
    module.add_argument(
        "--output", required=True, metavar="MODULE.py", help="the module to write (or check)"
    )
    module.add_argument(
        "--name",
        metavar="NAME",
        help="the name the module gives the workflow (default: file stem or id)",
    )
    module.add_argument(
        "--class-prefix",
        metavar="Prefix",
        help="prefix of the Inputs/Outputs classes (default: the name in CamelCase)",
    )
    module.add_argument(
        "--check",
        action="store_true",
        help="do not write: exit 1 if the module is stale (offline for --spec)",
    )
    generate.set_defaults(command="generate")


def _add_server(commands: argparse._SubParsersAction[Parser]) -> None:
    server = commands.add_parser(
        "server",
        help="install, start, inspect and stop a local inference server",
        description=(
            "Manage a local Roboflow inference server (installed in its own virtualenv, "
            "bound to 127.0.0.1)."
        ),
        epilog=SERVER_EXAMPLES,
        formatter_class=FORMATTER,
    )
    actions = server.add_subparsers(dest="server_command_name", required=True, metavar="ACTION")
    # The server's subcommands are typed for plain parsers; ours is a subclass of one.
    add_server_subcommands(cast("argparse._SubParsersAction[argparse.ArgumentParser]", actions))
    for action in actions.choices.values():
        action.epilog = SERVER_EXAMPLES
        action.formatter_class = FORMATTER
    server.set_defaults(command="server")


def build_parser() -> argparse.ArgumentParser:
    """The ``rf-client`` parser with every command (usage errors raise ``UsageError``)."""
    parser = Parser(
        prog=PROG,
        description=(
            "rf-client: run models and workflows on a Roboflow-compatible inference server "
            "from the command line."
        ),
        epilog=MAIN_EXAMPLES,
        formatter_class=FORMATTER,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_infer(commands)
    _add_info(commands)
    _add_models(commands)
    _add_generate(commands)
    _add_server(commands)
    return parser
