"""Merging rf-client's hand-written supplement into the server's description."""

from __future__ import annotations

import copy
from typing import Any

from codegen.spec_io import Spec


def deep_merge(base: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    """A new dict: ``overlay`` merged into ``base`` key by key; ``overlay`` wins on conflicts.

    Mappings merge recursively; anything else (strings, numbers, lists) from ``overlay``
    replaces what ``base`` had. Neither argument is modified.
    """
    merged = copy.deepcopy(base)
    for key, value in overlay.items():
        current = merged.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            merged[key] = deep_merge(current, value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def merge_supplement(spec: Spec, supplement: Spec) -> Spec:
    """``spec`` with the supplement's paths and component schemas merged in.

    Only ``paths`` and ``components`` are taken from the supplement: its ``info`` describes
    the supplement file, not the server.
    """
    merged = copy.deepcopy(spec)
    merged["paths"] = deep_merge(spec.get("paths", {}), supplement.get("paths", {}))
    merged["components"] = deep_merge(spec.get("components", {}), supplement.get("components", {}))
    return merged
