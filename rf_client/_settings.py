"""Checking what a client is given: api_url, api_key, transport options, configurations.

Every check raises :class:`~rf_client.errors.InvalidParameterError` naming the value (never
a secret's value) before anything is sent.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from typing import Any

import attrs
import httpx

from rf_client._context import mode_for_url
from rf_client._http import ClientOptions, RetryPolicy, URLImagePolicy, check_timeout
from rf_client._redaction import display_url
from rf_client._url_images import host_name_problem
from rf_client.config import InferenceConfiguration
from rf_client.errors import InvalidParameterError, InvalidParameterTypeError

NOT_GIVEN: Any = object()
"""Marks a ``timeout`` that was not passed (None means "no timeout")."""


def checked_api_url(api_url: object) -> str:
    """``api_url`` stripped of spaces and trailing slashes, if it is an http(s) URL with a host.

    The scheme may be in any case (``HTTPS://``); ports must be valid, and the host name one
    that can be looked up (no empty label, none over 63 characters).

    Raises:
        InvalidParameterTypeError: It is not a string.
        InvalidParameterError: Naming the value.
    """
    example = "an http(s) URL with a host, such as 'http://localhost:9001'"
    if not isinstance(api_url, str):
        raise InvalidParameterTypeError(f"api_url must be {example}, not {type(api_url).__name__}.")
    text = api_url.strip()
    problem = ""
    if any(c.isspace() for c in text):
        problem = " (it contains spaces)"
    else:
        try:
            parts = urllib.parse.urlsplit(text)
            parts.port  # noqa: B018  # raises ValueError for a port out of range
            httpx.URL(text)
        except (ValueError, httpx.InvalidURL) as error:
            problem = f" ({error})"
        else:
            if parts.scheme.lower() in ("http", "https") and parts.hostname:
                host_problem = host_name_problem(text)
                if host_problem is None:
                    return text.rstrip("/")
                problem = f" ({host_problem})"
    raise InvalidParameterError(
        f"api_url must be {example}, not {_shown_api_url(api_url)}{problem}."
    )


def checked_api_urls(api_url: object) -> tuple[str, ...]:
    """The base URLs of a client: one ``api_url`` string, or a sequence of them (several servers).

    Each is checked as :func:`checked_api_url` does. A sequence must be non-empty, without
    duplicates (after stripping), and all of one API: every URL a hosted v0 host or none.

    Raises:
        InvalidParameterError: Naming the URLs in display form (no user info, no query).
    """
    if (
        isinstance(api_url, str)
        or not isinstance(api_url, Sequence)
        or isinstance(api_url, bytes | bytearray | memoryview)
    ):
        return (checked_api_url(api_url),)
    urls = tuple(checked_api_url(url) for url in api_url)
    if not urls:
        raise InvalidParameterError(
            "api_url is an empty list: give one server's URL (a string) or a list of several, "
            "such as ['http://10.0.0.1:9001', 'http://10.0.0.2:9001']."
        )
    shown = ", ".join(_shown_api_url(url) for url in urls)
    if len(set(urls)) != len(urls):
        raise InvalidParameterError(
            f"api_url lists a server twice ({shown}): give each server once (a server that "
            "should take more work gets it by answering faster)."
        )
    if len({mode_for_url(url) for url in urls}) > 1:
        raise InvalidParameterError(
            f"api_url mixes the hosted API (v0) with self-hosted servers (v1) ({shown}): one "
            "client spreads its requests over servers of one API; make one client per API."
        )
    return urls


def _shown_api_url(api_url: str) -> str:
    """A refused ``api_url`` for its message, without user info or query (a password, a key)."""
    text = api_url.strip()
    if "://" in text:
        return repr(display_url(text, mark_credentials=True))
    if "@" in text:  # "user:password@host" without a scheme
        return repr("***@" + text.rpartition("@")[2])
    return repr(text)


def checked_api_key(api_key: object) -> str | None:
    """The API key, if it can travel in a header; None for None or an empty key.

    Raises:
        InvalidParameterTypeError: Not a string.
        InvalidParameterError: It holds spaces, control or non-ASCII
            characters (the key itself is not shown).
    """
    if api_key is None or api_key == "":
        return None
    if not isinstance(api_key, str):
        raise InvalidParameterTypeError(
            f"api_key must be a string or None, not {type(api_key).__name__}."
        )
    if not api_key.isascii() or not api_key.isprintable() or any(c.isspace() for c in api_key):
        # The key itself is not shown: it is a secret.
        raise InvalidParameterError(
            "api_key contains spaces, line breaks or non-ASCII characters, which an API key "
            "never has: check how it was read (a trailing newline from a file or an "
            "environment variable?)."
        )
    return api_key


def checked_configuration(configuration: object) -> InferenceConfiguration:
    """``configuration`` if it is an InferenceConfiguration (which validated itself when built).

    Raises:
        InvalidParameterTypeError: It is something else (a dict, say).
    """
    if not isinstance(configuration, InferenceConfiguration):
        raise InvalidParameterTypeError(
            f"expected an InferenceConfiguration, not {type(configuration).__name__}."
        )
    return configuration


def make_options(
    base: ClientOptions,
    timeout: object,
    max_retries: object,
    url_image_policy: object,
    retry_policy: object = None,
) -> ClientOptions:
    """``base`` with the given settings; a ``NOT_GIVEN`` timeout or None elsewhere keeps base's.

    Raises:
        InvalidParameterError: A value has the wrong type or is out of range.
    """
    if retry_policy is not None and not isinstance(retry_policy, RetryPolicy):
        raise InvalidParameterTypeError(
            f"retry_policy must be a RetryPolicy, not {type(retry_policy).__name__}."
        )
    if url_image_policy is not None and not isinstance(url_image_policy, URLImagePolicy):
        raise InvalidParameterTypeError(
            f"url_image_policy must be a URLImagePolicy, not {type(url_image_policy).__name__}."
        )
    retry = retry_policy or base.retry
    if max_retries is not None:
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise InvalidParameterError(
                f"max_retries must be a whole number of at least 0, not {max_retries!r}."
            )
        retry = attrs.evolve(retry, max_retries=max_retries)
    return attrs.evolve(
        base,
        timeout=base.timeout if timeout is NOT_GIVEN else check_timeout(timeout, "timeout"),
        retry=retry,
        url_images=url_image_policy or base.url_images,
    )
