"""What an IDE hover needs from a docstring, checked the same way for every public method.

A method that takes parameters documents each in an ``Args:`` section, what it gives back in
``Returns:`` (unless it returns None) and the errors it raises in ``Raises:``. An ``_async``
twin may instead say ``Async twin of :meth:`<its sync method>``` (the tests check that the two
signatures are the same), though an IDE hover then shows that line only.
"""

from __future__ import annotations

import inspect
import re

from tests.unit.typing_surface.surface import Member

SECTIONS = ("Args:", "Returns:", "Raises:")


def parameter_names(member: Member) -> list[str]:
    """The parameters a caller passes (``self``/``cls`` left out)."""
    function = member.function
    assert function is not None
    return [
        name
        for name, parameter in inspect.signature(function).parameters.items()
        if name not in ("self", "cls") and parameter.kind is not parameter.VAR_KEYWORD
    ]


def section(doc: str, title: str) -> str | None:
    """The body of a Google-style section (``Args:``), or None when there is none."""
    match = re.search(rf"^{re.escape(title)}\n((?:[ \t]+.*\n?|\n)*)", doc, re.MULTILINE)
    return match.group(1) if match else None


def gaps(member: Member) -> list[str]:
    """What the member's docstring lacks, e.g. ``["Args: model_id", "Returns:"]``."""
    doc = inspect.getdoc(member.function or member.static) or ""
    if not doc.strip():
        return ["docstring"]
    function = member.function
    if function is None:
        return []
    if member.is_async_twin and doc.startswith(f"Async twin of :meth:`{member.name[:-6]}`"):
        return []
    names = parameter_names(member)
    if not names:
        return []
    missing: list[str] = []
    args = section(doc, "Args:")
    if args is None:
        missing.append("Args:")
    else:
        missing.extend(
            f"Args: {name}"
            for name in names
            if not re.search(rf"^\s+\**{re.escape(name)}( \(.*\))?:", args, re.MULTILINE)
        )
    if inspect.signature(function).return_annotation not in ("None", None) and (
        section(doc, "Returns:") is None
    ):
        missing.append("Returns:")
    if section(doc, "Raises:") is None:
        missing.append("Raises:")
    return missing
