"""``rf-client info`` and ``rf-client models list|load|unload|unload-all``."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from rf_client._redaction import display_url
from rf_client.cli._common import EXIT_OK, error_report, exit_code_for_error
from rf_client.cli._connection import client_from_args
from rf_client.cli._jsonable import to_jsonable
from rf_client.errors import RFClientError


def _dict(model: Any) -> dict[str, Any]:
    data = to_jsonable(model)
    return data if isinstance(data, dict) else {"value": data}


def models_table(models: Sequence[Mapping[str, Any]]) -> str:
    """The registry as an aligned table (model, task, input size, batch size)."""
    if not models:
        return "no models loaded\n"
    rows = [("MODEL", "TASK", "INPUT", "BATCH")]
    for model in models:
        height, width = model.get("input_height"), model.get("input_width")
        size = f"{width}x{height}" if width and height else "-"
        batch = model.get("batch_size")
        rows.append(
            (
                str(model.get("model_id", "?")),
                str(model.get("task_type", "?")),
                size,
                "-" if batch in (None, "") else str(batch),
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        + "\n"
        for row in rows
    )


def _print(args: argparse.Namespace, out: TextIO, text: str, payload: Mapping[str, Any]) -> None:
    out.write(json.dumps(payload, ensure_ascii=False) + "\n" if args.json else text)
    out.flush()


def _fail(
    args: argparse.Namespace, out: TextIO, err: TextIO, error: RFClientError, secrets: list[str]
) -> int:
    report = error_report(error, secrets)
    if args.json:
        out.write(json.dumps({"ok": False, "error": dict(report)}) + "\n")
    else:
        err.write(f"error: {report['type']}: {report['message']}\n")
    return exit_code_for_error(error)


def run_info(args: argparse.Namespace, out: TextIO, err: TextIO, secrets: list[str]) -> int:
    """``rf-client info``: the server's name, version and id; the exit code."""
    client = client_from_args(args)
    try:
        info = _dict(client.get_server_info())
    except RFClientError as error:
        return _fail(args, out, err, error, secrets)
    finally:
        client.close()
    # The URL may hold user:password@ or a key in its query: shown without them.
    where = display_url(client.api_url)
    text = (
        f"{info.get('name', 'inference server')} {info.get('version', '?')} at {where}"
        + (f" (instance {info['uuid']})" if info.get("uuid") else "")
        + "\n"
    )
    _print(args, out, text, info)
    return EXIT_OK


def run_models(args: argparse.Namespace, out: TextIO, err: TextIO, secrets: list[str]) -> int:
    """``rf-client models ...``: list, load or unload models; the exit code."""
    client = client_from_args(args)
    action: str = args.models_action
    try:
        if action == "list":
            registry = client.list_loaded_models()
        elif action == "load":
            registry = client.load_model(args.model_id)
        elif action == "unload":
            registry = client.unload_model(args.model_id)
        else:
            registry = client.unload_all_models()
    except RFClientError as error:
        return _fail(args, out, err, error, secrets)
    finally:
        client.close()
    payload = _dict(registry)
    models = payload.get("models")
    rows = [m for m in models if isinstance(m, Mapping)] if isinstance(models, list) else []
    done = {
        "load": f"loaded {getattr(args, 'model_id', '')}\n",
        "unload": f"unloaded {getattr(args, 'model_id', '')}\n",
        "unload-all": "unloaded every model\n",
    }.get(action, "")
    _print(args, out, done + models_table(rows), payload)
    return EXIT_OK
