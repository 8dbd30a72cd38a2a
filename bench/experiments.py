"""Proposed rf-client fixes, applied by monkeypatching inside a benchmark worker only.

The core modules belong to other engineers, so the benchmark never edits them: it measures
what a proposed change would give by patching the running rf-client process
(``python -m bench --patches fast-json-body,single-check``). Each patch here mirrors a patch
file under ``bench/proposals/`` that states the real change.

- ``fast-json-body``: request bodies are serialised without scanning the base64 images:
  :func:`json_body` dumps the small JSON skeleton and splices the images in (base64 needs no
  JSON escaping). ``json.dumps`` otherwise spends about 1.5 ms per MB of image re-reading
  text that cannot contain a character to escape.
- ``single-check``: ``prepare_image`` does not re-check an input that ``infer`` checked
  already (``check_image`` reads the file and opens it with PIL), and a JPEG or PNG file sent
  at its own size goes out without being opened with PIL a third time.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterable
from typing import Any

JSONValue = Any
"""Any value ``json.dumps`` accepts (dicts, lists, strings, numbers, booleans, None)."""


class JSONSafeText(str):
    """Base64 text, which needs no escaping in a JSON string, with its ASCII bytes kept."""

    __slots__ = ("raw",)

    raw: bytes

    def __new__(cls, raw: bytes) -> JSONSafeText:
        """The text of ``raw`` (base64 bytes); ``raw`` itself is kept to be sent as is."""
        text = super().__new__(cls, raw.decode("ascii"))
        text.raw = raw
        return text


_NONCE = secrets.token_hex(16)
_MARKER = f"{_NONCE}:splice"
_QUOTED_MARKER = f'"{_MARKER}"'.encode()


def _plain(value: JSONValue) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def json_body(value: JSONValue) -> bytes:
    """``value`` as compact UTF-8 JSON, every :class:`JSONSafeText` spliced in unscanned.

    Byte-for-byte what ``json.dumps(value, ensure_ascii=False, separators=(",", ":"),
    allow_nan=False).encode()`` (httpx's encoding) gives.
    """
    spliced: list[bytes] = []

    def skeleton(node: JSONValue) -> JSONValue:
        if isinstance(node, JSONSafeText):
            spliced.append(node.raw)
            return _MARKER
        if isinstance(node, dict):
            return {key: skeleton(item) for key, item in node.items()}
        if isinstance(node, list | tuple):
            return [skeleton(item) for item in node]
        return node

    frame = _plain(skeleton(value))
    if not spliced:
        return frame
    parts = frame.split(_QUOTED_MARKER)
    if len(parts) != len(spliced) + 1:
        # The marker also appeared elsewhere (never in practice): encode the plain way.
        return _plain(value)
    pieces = [parts[0]]
    for data, part in zip(spliced, parts[1:], strict=True):
        pieces.extend((b'"', data, b'"', part))
    return b"".join(pieces)


def _patch_build_request(cls: Any) -> None:
    original: Callable[..., Any] = cls.build_request

    def build_request(self: Any, method: str, url: Any, **kwargs: Any) -> Any:
        if kwargs.get("json") is not None and kwargs.get("content") is None:
            headers = {
                name: value
                for name, value in dict(kwargs.get("headers") or {}).items()
                if name.lower() != "content-type"
            }
            headers["Content-Type"] = "application/json"
            content = json_body(kwargs["json"])
            kwargs = {**kwargs, "json": None, "content": content, "headers": headers}
        return original(self, method, url, **kwargs)

    cls.build_request = build_request


def fast_json_body() -> None:
    """Base64 images become :class:`JSONSafeText`; JSON bodies are encoded by :func:`json_body`."""
    import base64

    import httpx

    from rf_client import _images

    def encoded(self: Any) -> str:
        return JSONSafeText(base64.b64encode(self.data))

    _images.PreparedImage.base64 = encoded  # type: ignore[method-assign]
    _patch_build_request(httpx.Client)
    _patch_build_request(httpx.AsyncClient)


def single_check() -> None:
    """``prepare_image`` trusts the up-front ``check_image`` of ``infer``; no third PIL open."""
    from rf_client import _images

    original_prepare_encoded = _images._prepare_encoded

    def prepare_encoded(data: bytes, description: str, max_size: tuple[int, int] | None) -> Any:
        if max_size is None and _images._sniff_format(data) in ("JPEG", "PNG"):
            return _images.PreparedImage(data)
        return original_prepare_encoded(data, description, max_size)

    def already_checked(item: object) -> None:
        # infer() ran check_image on every input before preparing any of them.
        return None

    _images._prepare_encoded = prepare_encoded
    _images.check_image = already_checked


PATCHES: dict[str, Callable[[], None]] = {
    "fast-json-body": fast_json_body,
    "single-check": single_check,
}


def apply(names: Iterable[str]) -> None:
    """Apply the named patches to the rf-client loaded in this process."""
    for name in names:
        PATCHES[name]()
