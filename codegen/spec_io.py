"""Reading and writing OpenAPI documents in one normalised form.

Every spec file in ``spec/`` is written by :func:`write_spec`: sorted keys, two-space
indentation, a trailing newline. A server upgrade then shows as a small, readable diff.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

Spec = dict[str, Any]


def dumps_spec(spec: Spec) -> str:
    """Serialise ``spec`` in the normalised form used for every committed spec file."""
    return json.dumps(spec, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def read_spec(path: Path) -> Spec:
    """Load a JSON OpenAPI document from ``path``."""
    loaded = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise ValueError(f"{path} does not hold a JSON object")
    return loaded


def write_spec(path: Path, spec: Spec) -> None:
    """Write ``spec`` to ``path`` in normalised form."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps_spec(spec), encoding="utf-8")


def iter_refs(node: object) -> list[str]:
    """Every ``$ref`` string found anywhere below ``node``, in document order."""
    found: list[str] = []
    stack: list[object] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            for key, value in current.items():
                if key == "$ref" and isinstance(value, str):
                    found.append(value)
                else:
                    stack.append(value)
        elif isinstance(current, list):
            stack.extend(current)
    return found


def rewrite_refs(node: object, mapping: dict[str, str]) -> None:
    """Replace, in place, every ``$ref`` below ``node`` that is a key of ``mapping``."""
    stack: list[object] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str) and ref in mapping:
                current["$ref"] = mapping[ref]
            stack.extend(v for k, v in current.items() if k != "$ref")
        elif isinstance(current, list):
            stack.extend(current)


SCHEMA_PREFIX = "#/components/schemas/"


def prune_unreferenced_schemas(spec: Spec) -> None:
    """Drop every component schema that no kept operation reaches, directly or transitively."""
    schemas: dict[str, Any] = spec.get("components", {}).get("schemas", {})
    reachable: set[str] = set()
    pending = [r for r in iter_refs(spec.get("paths", {})) if r.startswith(SCHEMA_PREFIX)]
    while pending:
        name = pending.pop().removeprefix(SCHEMA_PREFIX)
        if name in reachable or name not in schemas:
            continue
        reachable.add(name)
        pending.extend(r for r in iter_refs(schemas[name]) if r.startswith(SCHEMA_PREFIX))
    for name in list(schemas):
        if name not in reachable:
            del schemas[name]
