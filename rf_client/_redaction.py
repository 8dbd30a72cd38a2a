"""Keeping the API key and the service secret out of every message, log line and repr.

Secrets are registered here when a client is configured with them. :func:`redact` replaces
every registered secret (and its URL-encoded forms) in a string. :class:`RedactingFilter` is
installed on httpx's and httpcore's loggers (every one of them: a filter on a logger does not
see records of its children) so their own DEBUG/INFO lines are cleaned too.
"""

from __future__ import annotations

import logging
import threading
import urllib.parse
from typing import Any

REDACTED = "***"

_lock = threading.Lock()
_secrets: dict[str, int] = {}  # secret -> number of clients holding it
_patterns: tuple[str, ...] = ()

THIRD_PARTY_LOGGERS = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
    "rf_client",
)


def _rebuild_patterns() -> None:
    global _patterns
    forms: set[str] = set()
    for secret in _secrets:
        forms.add(secret)
        forms.add(urllib.parse.quote(secret, safe=""))
        forms.add(urllib.parse.quote_plus(secret))
    # Longest first, so a secret that contains another is replaced whole.
    _patterns = tuple(sorted((f for f in forms if f), key=len, reverse=True))


def register_secret(secret: str | None) -> None:
    """Start redacting ``secret`` everywhere (reference-counted; pair with ``release_secret``)."""
    if not secret:
        return
    with _lock:
        _secrets[secret] = _secrets.get(secret, 0) + 1
        _rebuild_patterns()
    install_log_filters()


def release_secret(secret: str | None) -> None:
    """Stop redacting ``secret`` once no client holds it any more."""
    if not secret:
        return
    with _lock:
        count = _secrets.get(secret, 0) - 1
        if count > 0:
            _secrets[secret] = count
        else:
            _secrets.pop(secret, None)
        _rebuild_patterns()


def redact(text: str, *extra_secrets: str | None) -> str:
    """``text`` with every registered secret (and ``extra_secrets``) replaced by ``***``."""
    patterns = _patterns
    if extra_secrets:
        patterns = tuple(
            sorted({*patterns, *(s for s in extra_secrets if s)}, key=len, reverse=True)
        )
    for pattern in patterns:
        if pattern in text:
            text = text.replace(pattern, REDACTED)
    return text


def redact_value(value: Any) -> Any:
    """Redact strings inside ``value`` (str, or a list/tuple/dict holding strings)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact_value(k): redact_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(redact_value(v) for v in value)
    return value


class RedactingFilter(logging.Filter):
    """A logging filter that redacts secrets from a record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not _patterns:
            return True
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if record.args:
            if isinstance(record.args, dict):
                record.args = {key: _redact_arg(arg) for key, arg in record.args.items()}
            else:
                record.args = tuple(_redact_arg(arg) for arg in record.args)
        return True


def _redact_arg(arg: object) -> object:
    # Arguments are often URLs, requests or header lists; their str() is what gets logged.
    if isinstance(arg, (int, float, bool)) or arg is None:
        return arg
    text = str(arg) if not isinstance(arg, bytes) else arg.decode("latin-1")
    cleaned = redact(text)
    return arg if cleaned == text else cleaned


_filter = RedactingFilter()
_installed = False


def install_log_filters() -> None:
    """Attach the redacting filter to httpx's, httpcore's and rf-client's loggers (once)."""
    global _installed
    with _lock:
        if not _installed:
            for name in THIRD_PARTY_LOGGERS:
                logging.getLogger(name).addFilter(_filter)
            _installed = True
