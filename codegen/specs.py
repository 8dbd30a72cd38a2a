"""Building the generator's inputs, ``spec/v1/openapi.json`` and ``spec/v0/openapi.json``.

The committed sources are:

- ``spec/v1/server.json``: what a real server's ``GET /openapi.json`` said, normalised
  (written by ``spec-pull``; its ``info.version`` is the server version it came from);
- ``spec/v1/supplement.json``: hand-written routes the server no longer describes;
- ``spec/v0/source.json``: the hand-written description of the hosted v0 API, which refers to
  v1 schemas it shares as ``../v1/openapi.json#/components/schemas/<Name>``.

Everything else in ``spec/`` is derived from those by the functions here, so CI can prove it
fresh without a server.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from codegen.merge import merge_supplement
from codegen.patches import apply_patches
from codegen.selection import V1_OPERATIONS, missing_operations, select_operations
from codegen.spec_io import SCHEMA_PREFIX, Spec, iter_refs, read_spec, rewrite_refs, write_spec

REPO_ROOT = Path(__file__).resolve().parent.parent
SPEC_DIR = REPO_ROOT / "spec"
V1_SERVER = SPEC_DIR / "v1" / "server.json"
V1_SUPPLEMENT = SPEC_DIR / "v1" / "supplement.json"
V1_OPENAPI = SPEC_DIR / "v1" / "openapi.json"
V0_SOURCE = SPEC_DIR / "v0" / "source.json"
V0_OPENAPI = SPEC_DIR / "v0" / "openapi.json"
V1_REF_PREFIX = "../v1/openapi.json" + SCHEMA_PREFIX


class SpecBuildError(Exception):
    """A spec source cannot be turned into a generator input."""


def build_v1(server: Spec, supplement: Spec) -> Spec:
    """The v1 generator input: the server's description, supplemented, selected and patched."""
    spec = merge_supplement(server, supplement)
    absent = missing_operations(spec, V1_OPERATIONS)
    if absent:
        raise SpecBuildError(
            "the server's description lacks operations rf-client uses: "
            + ", ".join(absent)
            + ". Describe them in spec/v1/supplement.json or drop them from "
            "codegen/selection.py."
        )
    select_operations(spec, V1_OPERATIONS)
    apply_patches(spec)
    return spec


def build_v0(source: Spec, v1: Spec) -> Spec:
    """The v0 generator input: ``source`` with the v1 schemas it refers to copied in, patched."""
    spec = copy.deepcopy(source)
    schemas: dict[str, Any] = spec.setdefault("components", {}).setdefault("schemas", {})
    v1_schemas: dict[str, Any] = v1["components"]["schemas"]
    pending = [ref for ref in iter_refs(spec) if ref.startswith(V1_REF_PREFIX)]
    copied: set[str] = set()
    while pending:
        name = pending.pop().removeprefix(V1_REF_PREFIX).removeprefix(SCHEMA_PREFIX)
        if name in copied:
            continue
        if name not in v1_schemas:
            raise SpecBuildError(
                f"spec/v0/source.json refers to v1 schema {name!r}, which v1 lacks"
            )
        if name in schemas:
            raise SpecBuildError(f"spec/v0/source.json defines {name!r} and also takes it from v1")
        copied.add(name)
        schemas[name] = copy.deepcopy(v1_schemas[name])
        pending.extend(r for r in iter_refs(v1_schemas[name]) if r.startswith(SCHEMA_PREFIX))
    rewrite_refs(spec, {V1_REF_PREFIX + name: SCHEMA_PREFIX + name for name in copied})
    unresolved = [ref for ref in iter_refs(spec) if not ref.startswith(SCHEMA_PREFIX)]
    if unresolved:
        raise SpecBuildError(f"spec/v0/source.json has references it cannot resolve: {unresolved}")
    apply_patches(spec)
    return spec


def build_all() -> dict[Path, Spec]:
    """Every derived spec file, keyed by the path it belongs at."""
    v1 = build_v1(read_spec(V1_SERVER), read_spec(V1_SUPPLEMENT))
    v0 = build_v0(read_spec(V0_SOURCE), v1)
    return {V1_OPENAPI: v1, V0_OPENAPI: v0}


def write_all() -> None:
    """Rebuild and write every derived spec file."""
    for path, spec in build_all().items():
        write_spec(path, spec)
