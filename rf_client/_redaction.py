"""Keeping the API key and the service secret out of every message, log line and repr.

Two mechanisms, both applied by :func:`redact`:

* **Registered values.** A client registers its API key and its configuration's service
  secret (:func:`register_secret`); every occurrence of them, raw or URL-encoded, is replaced
  by ``***``. A secret of fewer than :data:`MIN_FREE_TEXT_LENGTH` characters is only replaced
  where it stands as a whole token, so a test key such as ``"key"`` does not mangle the word
  "keyboard" in a message.
* **Field names.** The value after ``api_key=``, ``service_secret=``, ``"api_key": "..."``
  and ``Bearer`` is replaced whatever it is, so a secret that was never registered (or whose
  client is gone) is still hidden where the wire format names it.

:class:`RedactingFilter` is installed on httpx's, httpcore's and rf-client's loggers (every
one of them: a filter on a logger does not see records of its children), so their own
DEBUG/INFO lines (httpx logs full URLs, query string included) are cleaned before any handler
sees them. Redaction runs only on error paths and on log records that are actually emitted,
never on successful responses.
"""

from __future__ import annotations

import collections
import functools
import logging
import re
import threading
import urllib.parse
from typing import Any

REDACTED = "***"

MIN_FREE_TEXT_LENGTH = 8
"""Registered secrets shorter than this are replaced only where they form a whole token."""

SECRET_FIELDS = frozenset({"api_key", "service_secret", "authorization"})
"""Names of fields, query parameters and headers whose value is always a secret."""

_WORD_CHARACTERS = r"A-Za-z0-9_\-"
_FIELD_PATTERN_SOURCE = (
    # api_key=VALUE / service_secret=VALUE (query strings, form bodies, log lines)
    r"(?P<query>\b(?:api_key|service_secret)=)[^&\s\"'<>]+"
    # "api_key": "VALUE" / 'api_key': 'VALUE' (JSON bodies, dict reprs)
    r"|(?P<mapping>[\"'](?:api_key|service_secret)[\"']\s*:\s*)(?P<quote>[\"'])[^\"']*(?P=quote)"
    # Authorization: Bearer VALUE
    r"|(?P<bearer>\bBearer\s+)[^\s\"'<>,;]+"
)


@functools.cache
def _field_pattern() -> re.Pattern[str]:
    # Compiled on first use: importing rf_client stays cheap.
    return re.compile(_FIELD_PATTERN_SOURCE, re.IGNORECASE)


_FIELD_MARKERS = ("api_key", "service_secret", "bearer", "API_KEY", "SERVICE_SECRET", "Bearer")

_lock = threading.Lock()
_secrets: dict[str, int] = {}  # secret -> number of holders
_pending_releases: collections.deque[str] = collections.deque()
_value_pattern: re.Pattern[str] | None = None
_longest_form = 0


def _rebuild() -> None:
    global _value_pattern, _longest_form
    forms: set[str] = set()
    for secret in list(_secrets):
        forms.update((secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret)))
    forms.discard("")
    if not forms:
        _value_pattern, _longest_form = None, 0
        return
    alternatives = []
    # Longest first, so a secret that contains another is replaced whole.
    for form in sorted(forms, key=len, reverse=True):
        escaped = re.escape(form)
        if len(form) < MIN_FREE_TEXT_LENGTH:
            escaped = f"(?<![{_WORD_CHARACTERS}]){escaped}(?![{_WORD_CHARACTERS}])"
        alternatives.append(escaped)
    _value_pattern = re.compile("|".join(alternatives))
    _longest_form = max(len(form) for form in forms)


def _apply_pending_releases() -> None:
    # Called with _lock held.
    while _pending_releases:
        try:
            secret = _pending_releases.popleft()
        except IndexError:  # emptied by another thread between the test and the pop
            break
        count = _secrets.get(secret, 0) - 1
        if count > 0:
            _secrets[secret] = count
        else:
            _secrets.pop(secret, None)


def register_secret(secret: str | None) -> None:
    """Start redacting ``secret`` everywhere (reference-counted; pair with ``release_secret``).

    Args:
        secret: The secret; None or empty is ignored.
    """
    install_log_filters()
    if not secret:
        return
    with _lock:
        _secrets[secret] = _secrets.get(secret, 0) + 1
        _apply_pending_releases()
        _rebuild()


def release_secret(secret: str | None) -> None:
    """Stop redacting ``secret`` once nothing holds it any more. Never blocks.

    Clients call this from ``__del__``, which the garbage collector may run in the middle of
    :func:`register_secret` in the same thread, with the lock held: waiting for the lock
    would deadlock. The release is queued instead, and applied now if the lock is free, else
    by the next registration (until then the secret is still redacted, the safe side).

    Args:
        secret: A secret given to :func:`register_secret` before; None or empty is ignored.
    """
    if not secret:
        return
    _pending_releases.append(secret)
    if _lock.acquire(blocking=False):
        try:
            _apply_pending_releases()
            _rebuild()
        finally:
            _lock.release()


def longest_secret_form() -> int:
    """The length of the longest registered secret form (raw or URL-encoded); 0 when none."""
    return _longest_form


def redact(text: str, *extra_secrets: str | None) -> str:
    """``text`` with every secret replaced by ``***``.

    Args:
        text: Any text (a message, a URL, a log line).
        extra_secrets: Secrets to hide in this call only, in addition to the registered ones.

    Returns:
        The text with registered secrets, ``extra_secrets`` and the values of secret fields
        (``api_key=``, ``service_secret=``, ``Bearer ...``) replaced.
    """
    pattern = _value_pattern
    if pattern is not None:
        text = pattern.sub(REDACTED, text)
    for extra in extra_secrets:
        if extra:
            text = text.replace(extra, REDACTED)
    if any(marker in text for marker in _FIELD_MARKERS):
        text = _field_pattern().sub(_hide_field, text)
    return text


def _hide_field(match: re.Match[str]) -> str:
    if match.group("query") is not None:
        return match.group("query") + REDACTED
    if match.group("mapping") is not None:
        quote = match.group("quote")
        return f"{match.group('mapping')}{quote}{REDACTED}{quote}"
    return match.group("bearer") + REDACTED


def redact_value(value: Any) -> Any:
    """Redact strings inside ``value`` (str, or lists/tuples/dicts holding strings).

    Values of secret fields (``api_key``, ``service_secret``, ``authorization``) become
    ``***`` whatever they hold.
    """
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {
            redact_value(key): REDACTED
            if isinstance(key, str) and key.lower() in SECRET_FIELDS and item is not None
            else redact_value(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(redact_value(item) for item in value)
    return value


def redacted_text(content: bytes, max_bytes: int = 65536) -> str:
    """The start of ``content`` decoded as text (UTF-8, lenient) with every secret redacted.

    Only the first ``max_bytes`` bytes are looked at, so a large body costs no more than a
    small one. When the body is longer, the last characters of that window (as many as the
    longest secret) are dropped too: a secret cut in two by the window would otherwise leave
    its first half, which :func:`redact` cannot recognise.
    """
    window = content[:max_bytes]
    text = redact(window.decode("utf-8", errors="replace"))
    if len(content) > max_bytes:
        text = text[: max(0, len(text) - max(_longest_form, 64))]
    return text


def display_url(url: str, limit: int = 120, *, mark_credentials: bool = False) -> str:
    """``url`` fit for a message: no user info, query string or fragment, cut, redacted.

    Query strings of image URLs often carry tokens (signed URLs) and those of API URLs the
    API key; they are shown as ``?...``. ``mark_credentials`` shows dropped user info as
    ``***@`` (a camera URL's login, which the user may want to know was there).
    """
    try:
        parts = urllib.parse.urlsplit(url.strip())
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port is not None else ""
    except ValueError:  # an invalid port or IPv6 literal
        scheme = url.split("://", 1)[0] if "://" in url else ""
        return redact(f"{scheme[:10]}://..." if scheme else "(invalid URL)")
    if ":" in host:
        host = f"[{host}]"
    path = parts.path
    suffix = "?..." if parts.query else ""
    login = "***@" if mark_credentials and (parts.username or parts.password) else ""
    prefix = f"{parts.scheme}://{login}{host}{port}" if parts.scheme else ""
    budget = max(limit - len(prefix) - len(suffix), 8)
    if len(path) > budget:
        path = path[: budget - 3] + "..."
    return redact(f"{prefix}{path}{suffix}")


class RedactingFilter(logging.Filter):
    """A logging filter that redacts secrets from a record's message, arguments and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact ``record`` in place; always keep it."""
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if record.args:
            if isinstance(record.args, dict):
                record.args = {key: _redact_arg(arg) for key, arg in record.args.items()}
            else:
                record.args = tuple(_redact_arg(arg) for arg in record.args)
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set: render the traceback once, redacted.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


def _redact_arg(arg: object) -> object:
    # Arguments are often URLs, requests or header lists; their str() is what gets logged.
    if isinstance(arg, int | float | bool) or arg is None:
        return arg
    text = arg.decode("latin-1") if isinstance(arg, bytes) else str(arg)
    cleaned = redact(text)
    return arg if cleaned == text else cleaned


THIRD_PARTY_LOGGERS = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
    "hpack",
    "hpack.hpack",
    "h2",
    "rf_client",
)

_filter = RedactingFilter()
_installed = False


def install_log_filters() -> None:
    """Attach the redacting filter to httpx's, httpcore's and rf-client's loggers (once)."""
    global _installed
    if _installed:
        return
    with _lock:
        if not _installed:
            for name in THIRD_PARTY_LOGGERS:
                logging.getLogger(name).addFilter(_filter)
            _installed = True
