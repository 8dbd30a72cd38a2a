"""Command-line flags generated from :class:`~rf_client.InferenceConfiguration`'s fields.

Every field becomes ``--field-name`` (``--config-<name>`` when the name is taken by another
option, e.g. ``--config-format``), typed from its annotation: booleans as ``--flag/--no-flag``,
lists comma-separated, enums and literals as choices, numbers parsed; a type this module does
not know takes JSON (or plain text). A field added to the dataclass therefore appears without
touching this module. Help texts come from the class docstring's ``Attributes:`` section.
"""

from __future__ import annotations

import argparse
import dataclasses
import enum
import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from rf_client.cli._targets import parameter_value
from rf_client.config import (
    MASK_DECODE_MODES,
    RESULT_FORMATS,
    InferenceConfiguration,
    VisualisationResponseFormat,
)

EXCLUDED_FIELDS: Mapping[str, str] = {
    "output_visualisation_format": (
        "the command line always writes images as base64 JSON objects or, with --output-dir, "
        "as files"
    ),
}
"""Fields without a flag, and why."""

FIELD_CHOICES: Mapping[str, Sequence[str]] = {
    "format": RESULT_FORMATS,
    "mask_decode_mode": MASK_DECODE_MODES,
}
"""Text fields whose values the configuration restricts (its own tables), offered as choices."""

DEST_PREFIX = "configuration__"


@dataclasses.dataclass(frozen=True)
class ConfigurationFlag:
    """One generated flag.

    Attributes:
        field: The :class:`InferenceConfiguration` field it sets.
        option: The option string, e.g. ``--max-batch-size``.
        dest: The attribute of the parsed namespace holding the value (None: not given).
    """

    field: str
    option: str
    dest: str


def field_help_texts() -> dict[str, str]:
    """The ``Attributes:`` descriptions of :class:`InferenceConfiguration`, by field name."""
    doc = InferenceConfiguration.__doc__ or ""
    _, _, attributes = doc.partition("Attributes:")
    texts: dict[str, str] = {}
    current: str | None = None
    for line in attributes.splitlines():
        match = re.match(r"^\s{8}(\w+): (.*)$", line)
        if match:
            current = str(match.group(1))
            texts[current] = match.group(2).strip()
        elif current is not None and line.strip():
            texts[current] += " " + line.strip()
    # Docstrings are reST; help is plain text.
    return {
        name: re.sub(r":\w+:`~?([^`]+)`", r"\1", text).replace("``", "")
        for name, text in texts.items()
    }


def _members(hint: object) -> list[object]:
    """The non-None members of a union, or ``[hint]``."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return [arg for arg in typing.get_args(hint) if arg is not type(None)]
    return [hint]


def _literal_values(members: Sequence[object]) -> list[str]:
    values: list[str] = []
    for member in members:
        if typing.get_origin(member) is Literal:
            values.extend(str(value) for value in typing.get_args(member))
    return values


def _number_or_choice(
    number: Callable[[str], float], choices: Sequence[str]
) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        if text in choices:
            return text
        try:
            return number(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a number or one of {', '.join(choices)}, not {text!r}"
            ) from None

    return parse


def comma_list(element: Callable[[str], Any]) -> Callable[[str], list[Any]]:
    """An argparse type: ``"a, b,"`` as ``[element("a"), element("b")]`` (empty parts dropped)."""

    def parse(text: str) -> list[Any]:
        return [element(part.strip()) for part in text.split(",") if part.strip()]

    return parse


text_list = comma_list(str)
"""The argparse type of comma-separated texts (``--class-filter``, ``--excluded-fields``)."""


def _typed(kind: type) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            return kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected {'a whole number' if kind is int else 'a number'}, not {text!r}"
            ) from None

    parse.__name__ = kind.__name__  # argparse names the type in its own messages
    return parse


def argument_options(hint: object) -> dict[str, Any]:
    """``add_argument`` keyword arguments for a field annotated ``hint``."""
    members = _members(hint)
    enums = [m for m in members if isinstance(m, type) and issubclass(m, enum.Enum)]
    literals = _literal_values(members)
    plain = [m for m in members if m not in enums and typing.get_origin(m) is not Literal]
    if plain == [bool] and not enums and not literals:
        return {"action": argparse.BooleanOptionalAction}
    if enums:
        return {"choices": [str(item.value) for item in enums[0]]}
    if literals and not plain:
        return {"choices": literals}
    if len(plain) == 1 and typing.get_origin(plain[0]) is list:
        (element,) = typing.get_args(plain[0]) or (str,)
        if element in (int, float):
            return {"type": comma_list(_typed(element)), "metavar": "A,B,..."}
        return {"type": text_list, "metavar": "A,B,..."}
    if literals and plain in ([float], [int]):
        number = float if plain == [float] else int
        return {"type": _number_or_choice(number, literals), "metavar": "|".join(["N", *literals])}
    if plain in ([int], [float]):
        return {"type": _typed(typing.cast(type, plain[0])), "metavar": "N"}
    if plain == [str]:
        return {"type": str, "metavar": "TEXT"}
    # The same rule as --param: JSON when it parses, else the text.
    return {"type": parameter_value, "metavar": "JSON"}


def _default_text(field: dataclasses.Field[Any]) -> str:
    if field.default is not dataclasses.MISSING:
        value: Any = field.default
    elif field.default_factory is not dataclasses.MISSING:
        value = field.default_factory()
    else:
        return ""
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, list):
        value = ",".join(str(item) for item in value)
    if isinstance(value, bool):
        value = "on" if value else "off"
    # argparse formats help with %-substitution: a literal % must be doubled.
    return f" (default: {value})".replace("%", "%%")


def add_configuration_flags(parser: argparse.ArgumentParser) -> list[ConfigurationFlag]:
    """Add one flag per configuration field to ``parser`` (in its own group); the flags.

    Call it after the parser's other options: a field whose ``--name`` is already taken gets
    ``--config-<name>`` instead.
    """
    group = parser.add_argument_group(
        "inference configuration",
        "One flag per InferenceConfiguration field (not given: the field's default). "
        + " ".join(f"{name} has none: {why}." for name, why in EXCLUDED_FIELDS.items()),
    )
    hints = typing.get_type_hints(InferenceConfiguration)
    helps = field_help_texts()
    flags: list[ConfigurationFlag] = []
    for field in dataclasses.fields(InferenceConfiguration):
        if field.name in EXCLUDED_FIELDS or not field.init:
            continue
        option = "--" + field.name.replace("_", "-")
        # Reading argparse's table of option strings is the only way to know what is taken.
        if option in parser._option_string_actions:
            option = "--config-" + field.name.replace("_", "-")
        dest = DEST_PREFIX + field.name
        text = helps.get(field.name, field.name.replace("_", " ")).replace("%", "%%")
        options: dict[str, Any] = argument_options(hints[field.name])
        if field.name in FIELD_CHOICES:
            options = {"choices": list(FIELD_CHOICES[field.name])}
        group.add_argument(
            option, dest=dest, default=None, help=text + _default_text(field), **options
        )
        flags.append(ConfigurationFlag(field.name, option, dest))
    return flags


def configuration_values(args: argparse.Namespace) -> dict[str, Any]:
    """The configuration fields given on the command line (by field name)."""
    values: dict[str, Any] = {}
    for name, value in vars(args).items():
        if name.startswith(DEST_PREFIX) and value is not None:
            values[name.removeprefix(DEST_PREFIX)] = value
    return values


def build_configuration(args: argparse.Namespace) -> InferenceConfiguration:
    """The configuration of a parsed command line, images returned as PIL images.

    Raises:
        InvalidParameterError: A value is out of range (e.g. ``--confidence-threshold 2``).
    """
    return InferenceConfiguration(
        **configuration_values(args),
        output_visualisation_format=VisualisationResponseFormat.PILLOW,
    )
