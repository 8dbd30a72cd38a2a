"""HTTP values shared by the sync and async transports: requests, replies, options, errors.

Nothing here does I/O. A :class:`Request` says what to send; the transports turn it into one
httpx call and give back a :class:`Reply`; :func:`status_error` and :func:`transport_error`
turn failures into rf-client errors whose messages name the endpoint and never hold a secret.

Timeouts: every request has one (:data:`DEFAULT_TIMEOUT`: 10 s to connect, 120 s for any
other wait), settable per client (``InferenceHTTPClient(..., timeout=...)``) and per call
(``client.with_options(timeout=...)``); ``None`` means no timeout at all.

Retries (:class:`RetryPolicy`): connection failures, timeouts, answers cut short and the
statuses 408, 429, 500, 502, 503 and 504 are retried, the whole request each time, with
exponential backoff and full jitter, honouring the server's ``Retry-After`` (seconds or an
HTTP date) up to a cap. ``max_retries`` (default 2) is settable per client and per call; a
request built with ``retryable=False`` (a workflow run with ``workflow_run_retries_enabled``
off) is sent once. A request built with ``idempotent=False`` (a workflow run, starting a
pipeline, consuming its results, pausing or terminating it) is retried only when it never
reached the server or was refused unprocessed (no connection, 429, 503), since repeating it
could run a workflow's sinks twice, start a second pipeline or lose results.

Images given as URLs are downloaded by the client under :class:`URLImagePolicy`.
"""

from __future__ import annotations

import email.utils
import functools
import html
import http.cookiejar
import json
import math
import random
import re
import secrets
import time
from collections.abc import Mapping
from typing import Any

import attrs
import httpx

from rf_client._redaction import display_url, redact, redact_value, redacted_text
from rf_client.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    FeatureRemovedError,
    IncompleteResponseError,
    InvalidParameterError,
    ResponseValidationError,
    RFClientError,
    status_error_class,
)

DEFAULT_TIMEOUT = httpx.Timeout(120.0, connect=10.0)
"""Connect within 10 s; any other wait (write, read, pool) 120 s: cold model loads are slow."""

RETRYABLE_STATUS_CODES = frozenset({408, 429, 500, 502, 503, 504})
"""Statuses retried with backoff: transient by definition."""


def _check_number(owner: str, name: str, value: object, minimum: float, whole: bool) -> None:
    valid = isinstance(value, int | float) and not isinstance(value, bool)
    if valid and whole:
        valid = isinstance(value, int)
    if valid:
        valid = math.isfinite(float(value)) and float(value) >= minimum  # type: ignore[arg-type]
    if not valid:
        kind = "a whole number" if whole else "a finite number"
        raise InvalidParameterError(f"{owner}.{name} must be {kind} >= {minimum:g}, not {value!r}.")


def check_timeout(value: object, what: str) -> httpx.Timeout | None:
    """``value`` as an ``httpx.Timeout`` (None: no timeout); InvalidParameterError otherwise.

    Args:
        value: Seconds above 0 (int or float), an ``httpx.Timeout`` whose parts are each None
            or seconds >= 0, or None.
        what: How the value is named in the error message (``"timeout"``).
    """
    if value is None:
        return None
    if isinstance(value, httpx.Timeout):
        parts = (value.connect, value.read, value.write, value.pool)
        if all(p is None or (math.isfinite(p) and p >= 0) for p in parts):
            return value
    elif (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
    ):
        return httpx.Timeout(float(value))
    raise InvalidParameterError(
        f"{what} must be seconds above 0, an httpx.Timeout, or None (no timeout), not {value!r}."
    )


@attrs.frozen
class RetryPolicy:
    """Exponential backoff with full jitter, honouring ``Retry-After`` up to a cap.

    Attributes:
        max_retries: Retries after the first attempt (0 disables retrying).
        initial_delay: Upper bound of the first backoff, in seconds; doubles each retry.
        max_delay: Upper bound of any backoff, in seconds.
        max_retry_after: The longest ``Retry-After`` honoured, in seconds; a longer one is
            cut to this.

    Raises:
        InvalidParameterError: A value is negative, not finite, or ``max_retries`` is not a
            whole number.
    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0

    def __attrs_post_init__(self) -> None:
        _check_number("RetryPolicy", "max_retries", self.max_retries, 0, whole=True)
        for name in ("initial_delay", "max_delay", "max_retry_after"):
            _check_number("RetryPolicy", name, getattr(self, name), 0, whole=False)

    def delay(self, retry_number: int, retry_after: str | None = None) -> float:
        """Seconds to wait before retry ``retry_number`` (1-based).

        Args:
            retry_number: 1 for the first retry, 2 for the second, ...
            retry_after: The failed answer's ``Retry-After`` header, if any; it wins over the
                backoff (capped at ``max_retry_after``).
        """
        server_delay = parse_retry_after(retry_after)
        if server_delay is not None:
            return min(server_delay, self.max_retry_after)
        ceiling = min(self.max_delay, self.initial_delay * (2 ** (retry_number - 1)))
        return random.uniform(0, ceiling)  # noqa: S311  # jitter, not cryptography


def parse_retry_after(value: str | None) -> float | None:
    """A ``Retry-After`` header as seconds from now (delta-seconds or HTTP date); else None."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, moment.timestamp() - time.time())


@attrs.frozen
class URLImagePolicy:
    """How images given as http(s) URLs are downloaded by the client.

    The client downloads the image itself (the server never sees the URL), one hop at a
    time: each redirect is followed by hand, so every hop is checked. The download never
    carries the API key.

    Attributes:
        timeout: Connect/read timeout of each hop of the download.
        max_bytes: The largest image accepted; a larger download is aborted (as soon as the
            announced ``Content-Length`` or the bytes received pass it).
        max_redirects: Redirects followed before giving up.
        allow_private_addresses: When False, URLs whose host resolves to a private, loopback,
            link-local, shared (CGNAT), multicast or otherwise non-global address are refused
            with :class:`~rf_client.errors.URLAddressNotAllowedError`, on every redirect hop,
            before any connection is made; the connection then goes to the address that was
            checked (no second DNS lookup, so DNS rebinding cannot swap it). True by default,
            since local servers and local image hosts are common; set it to False when URLs
            come from untrusted users (server-side request forgery).

    Raises:
        InvalidParameterError: A value is out of range or of the wrong type.
    """

    timeout: httpx.Timeout = attrs.field(factory=lambda: httpx.Timeout(30.0, connect=10.0))
    max_bytes: int = 50 * 1024 * 1024
    max_redirects: int = 5
    allow_private_addresses: bool = True

    def __attrs_post_init__(self) -> None:
        timeout = check_timeout(self.timeout, "URLImagePolicy.timeout")
        if timeout is None or timeout.connect is None or timeout.read is None:
            raise InvalidParameterError(
                "URLImagePolicy.timeout must bound connecting and reading (seconds, not None), "
                f"not {self.timeout!r}: downloads always have a timeout."
            )
        _check_number("URLImagePolicy", "max_bytes", self.max_bytes, 1, whole=True)
        _check_number("URLImagePolicy", "max_redirects", self.max_redirects, 0, whole=True)
        if not isinstance(self.allow_private_addresses, bool):
            raise InvalidParameterError(
                "URLImagePolicy.allow_private_addresses must be True or False, not "
                f"{self.allow_private_addresses!r}."
            )


@attrs.frozen
class ClientOptions:
    """Transport settings of a client, overridable per call with ``with_options``.

    Attributes:
        timeout: Timeout of every request; ``None`` means no timeout at all.
        retry: Retry policy (``max_retries`` and backoff).
        url_images: Policy for downloading images given as URLs.
    """

    timeout: httpx.Timeout | None = DEFAULT_TIMEOUT
    retry: RetryPolicy = RetryPolicy()
    url_images: URLImagePolicy = URLImagePolicy()


CookieSource = httpx.Cookies | http.cookiejar.CookieJar | dict[str, str] | list[tuple[str, str]]
"""What an httpx client accepts as its cookies."""


class ResponseCookies(httpx.Cookies):
    """A client's cookie jar that reads an answer for cookies only when it sets one.

    httpx looks at every answer for cookies, building a ``urllib`` request and an email
    message of all its headers each time (about 15 us per request); API answers seldom set
    one. Answers with ``Set-Cookie`` are read as before, so cookies (a load balancer's sticky
    session) are still kept and sent back.
    """

    def extract_cookies(self, response: httpx.Response) -> None:
        """Store the cookies ``response`` sets (``Set-Cookie``/``Set-Cookie2``), if any."""
        headers = response.headers
        if "set-cookie" in headers or "set-cookie2" in headers:
            super().extract_cookies(response)


class _ResponseCookiesJar:
    """Makes an httpx client keep its cookies in a :class:`ResponseCookies` jar."""

    _cookies: httpx.Cookies

    @property
    def cookies(self) -> httpx.Cookies:
        """The cookies sent with every request (those the server set)."""
        return self._cookies

    @cookies.setter
    def cookies(self, cookies: CookieSource) -> None:
        self._cookies = ResponseCookies(cookies)


class PooledClient(_ResponseCookiesJar, httpx.Client):
    """The client's synchronous connection pool: ``httpx.Client`` with :class:`ResponseCookies`."""

    def __init__(self, *, limits: httpx.Limits, timeout: httpx.Timeout | None) -> None:
        """Redirects are never followed (see :func:`redirect_error`)."""
        super().__init__(limits=limits, follow_redirects=False, timeout=timeout)
        self.cookies = self._cookies


class PooledAsyncClient(_ResponseCookiesJar, httpx.AsyncClient):
    """One event loop's connection pool: ``httpx.AsyncClient`` with :class:`ResponseCookies`."""

    def __init__(self, *, limits: httpx.Limits, timeout: httpx.Timeout | None) -> None:
        """Redirects are never followed (see :func:`redirect_error`)."""
        super().__init__(limits=limits, follow_redirects=False, timeout=timeout)
        self.cookies = self._cookies


@attrs.frozen(repr=False)
class Request:
    """One HTTP request, before the transport sends it.

    ``url`` is a path on the server (``/infer/object_detection``) or an absolute URL.
    ``endpoint`` (``"POST /infer/object_detection"``) names it in messages; it must not hold
    secrets. ``retryable`` False sends it once whatever happens; ``idempotent`` False retries it
    only when it never reached the server (see :func:`never_processed`). ``files`` and ``content``
    must be bytes (not open files or generators) so a retry can send them again.
    ``connect_to`` sends the request to that IP address instead of resolving the URL's host
    (the Host header and the TLS server name stay the URL's). ``repr()`` shows the endpoint
    and the names of parameters and headers, never their values.
    """

    method: str
    url: str
    endpoint: str
    params: Mapping[str, Any] = attrs.field(factory=dict)
    headers: Mapping[str, str] = attrs.field(factory=dict)
    json: Any = None
    content: bytes | str | None = None
    files: Any = None
    retryable: bool = True
    idempotent: bool = True
    max_response_bytes: int | None = None
    uses_client_timeout: bool = True
    timeout: httpx.Timeout | None = None
    connect_to: str | None = None

    @classmethod
    def from_generated(
        cls,
        kwargs: Mapping[str, Any],
        *,
        retryable: bool = True,
        idempotent: bool = True,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Request:
        """A request from a generated operation's ``build_request_kwargs(...)``.

        Args:
            kwargs: What ``build_request_kwargs`` returned (method, url, params, json, ...).
            retryable: False sends the request once, whatever happens.
            idempotent: False when sending it twice differs from sending it once: it is then
                retried only when it never reached the server.
            extra_headers: Headers added to the generated ones (they win).
        """
        method = str(kwargs["method"]).upper()
        url = str(kwargs["url"])
        headers = {**kwargs.get("headers", {}), **(extra_headers or {})}
        params = {k: v for k, v in kwargs.get("params", {}).items() if v is not None}
        return cls(
            method=method,
            url=url,
            endpoint=f"{method} {url}",
            params=params,
            headers=headers,
            json=kwargs.get("json"),
            content=kwargs.get("content"),
            files=kwargs.get("files"),
            retryable=retryable,
            idempotent=idempotent,
        )

    def with_headers(self, headers: Mapping[str, str]) -> Request:
        """This request with ``headers`` added (they win over existing ones)."""
        return attrs.evolve(self, headers={**self.headers, **headers})

    def with_params(self, params: Mapping[str, Any]) -> Request:
        """This request with query ``params`` added (they win over existing ones)."""
        return attrs.evolve(self, params={**self.params, **params})

    def __repr__(self) -> str:
        body = next(
            (name for name in ("json", "content", "files") if getattr(self, name) is not None),
            None,
        )
        return (
            f"Request({self.endpoint!r}, params={sorted(self.params)}, "
            f"headers={sorted(self.headers)}, body={body}, retryable={self.retryable})"
        )


@attrs.frozen(repr=False)
class Reply:
    """A server's answer: status, headers and the whole body. ``repr()`` omits the body.

    ``node`` is the base URL of the server that answered, for a client of several servers
    (None for a client of one).
    """

    status_code: int
    headers: Mapping[str, str]
    content: bytes
    endpoint: str
    node: str | None = None

    @property
    def content_type(self) -> str:
        """The media type, lower-cased, without parameters (``application/json``)."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def is_json(self) -> bool:
        """Whether the content type is JSON (``application/json`` or ``*+json``)."""
        return self.content_type == "application/json" or self.content_type.endswith("+json")

    def json(self) -> Any:
        """The body decoded as JSON.

        Raises:
            ResponseValidationError: The content type is not JSON, or the body is not valid
                JSON (cut short, empty, not UTF-8).
        """
        if self.content_type and not self.is_json:
            raise ResponseValidationError(
                f"{self.endpoint} answered {self.content_type} where JSON was expected: "
                f"{body_excerpt(self.content)}. Is api_url a Roboflow inference server?"
            )
        problem = ""
        try:
            return json.loads(self.content)
        except ValueError as error:  # JSONDecodeError and UnicodeDecodeError
            # Not raised here: the decode error would become __context__, and its repr
            # carries the body.
            problem = f"{type(error).__name__}: {error}"
        raise ResponseValidationError(
            f"{self.endpoint} answered malformed JSON ({redact(problem)[:200]}): "
            f"{body_excerpt(self.content)}. The answer may have been cut short; try again, or "
            "check the server's log."
        )

    def __repr__(self) -> str:
        return (
            f"Reply({self.endpoint!r}, status_code={self.status_code}, "
            f"content_type={self.content_type!r}, {len(self.content)} bytes)"
        )


class ResponseTooLarge(httpx.HTTPError):
    """A download went past ``Request.max_response_bytes`` (announced or received)."""


class IncompleteBody(httpx.HTTPError):
    """The connection failed after the answer's headers: the body was cut short."""


class RequestNotSendable(httpx.HTTPError):
    """httpx could not build the request (invalid URL, a value JSON cannot hold, ...)."""


@functools.cache
def _tag_pattern() -> re.Pattern[str]:
    # Compiled on first use (error paths only): importing rf_client stays cheap.
    return re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]+>", re.IGNORECASE | re.DOTALL)


def plain_text(content: bytes, limit: int = 300) -> str:
    """The start of a body as one line of text: HTML tags and entities gone, secrets redacted."""
    text = redacted_text(content, max_bytes=max(4 * limit, 4096))
    if "<" in text and ">" in text:
        text = html.unescape(_tag_pattern().sub(" ", text))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class JSONSafeText(str):
    """Base64 text: it needs no escaping inside a JSON string, and keeps its ASCII bytes.

    :func:`json_body` splices it into a request body as it is, instead of ``json.dumps``
    scanning and copying megabytes of image text that cannot hold a character to escape.
    Everywhere else it is the ``str`` it equals.
    """

    __slots__ = ("raw",)

    raw: bytes

    def __new__(cls, raw: bytes) -> JSONSafeText:
        """The text of ``raw``, which must be base64 (``A-Za-z0-9+/=``), kept as bytes too.

        Raises:
            UnicodeDecodeError: ``raw`` is not ASCII (it cannot be base64 then).
        """
        text = super().__new__(cls, raw.decode("ascii"))
        text.raw = raw
        return text


class Base64Bytes:
    """Base64 text held as its ASCII bytes, for a JSON request body rf-client builds itself.

    :func:`json_body` splices it in as a JSON string. It is not a ``str``: making one copies
    the whole image once more (about 0.1 ms per MB), so only request documents that never
    leave rf-client hold it (``infer``'s own bodies); anything else gets :class:`JSONSafeText`.
    """

    __slots__ = ("raw",)

    def __init__(self, raw: bytes) -> None:
        """``raw``: base64 (``A-Za-z0-9+/=``) as bytes."""
        self.raw = raw

    def __repr__(self) -> str:
        return f"Base64Bytes({len(self.raw)} bytes)"


def _as_json_value(value: object) -> str:
    # json.dumps' default=: the text of a Base64Bytes; anything else is refused as it would be.
    if isinstance(value, Base64Bytes):
        return value.raw.decode("ascii")
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# A random marker, so that no value a caller passes can look like a splice point.
_SPLICE_MARKER = f"rf-client-splice-{secrets.token_hex(16)}"
_QUOTED_SPLICE_MARKER = f'"{_SPLICE_MARKER}"'.encode()


def _dump_json(value: Any) -> bytes:
    # httpx 0.28's own encoding of json= bodies: compact, UTF-8, NaN refused.
    return json.dumps(
        value, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_as_json_value
    ).encode()


def json_body(value: Any) -> bytes:
    """``value`` as a compact UTF-8 JSON body, base64 images spliced in as they are.

    The bytes are exactly ``json.dumps(value, ensure_ascii=False, separators=(",", ":"),
    allow_nan=False).encode()`` (what httpx's ``json=`` sends), a :class:`Base64Bytes` counting
    as its text; only the small skeleton of the document goes through ``json.dumps``, every
    :class:`JSONSafeText` and :class:`Base64Bytes` is copied in unscanned.

    Raises:
        ValueError: ``value`` holds NaN or infinity, or text that is not valid Unicode.
        TypeError: ``value`` holds something JSON cannot (like ``json.dumps``).
    """
    spliced: list[bytes] = []

    def skeleton(node: Any) -> Any:
        if isinstance(node, JSONSafeText | Base64Bytes):
            spliced.append(node.raw)
            return _SPLICE_MARKER
        if isinstance(node, dict):
            return {key: skeleton(item) for key, item in node.items()}
        if isinstance(node, list | tuple):
            return [skeleton(item) for item in node]
        return node

    frame = _dump_json(skeleton(value))
    if not spliced:
        return frame
    parts = frame.split(_QUOTED_SPLICE_MARKER)
    if len(parts) != len(spliced) + 1:
        return _dump_json(value)  # the marker appeared in a key or value too: the plain way
    pieces = [parts[0]]
    for data, part in zip(spliced, parts[1:], strict=True):
        pieces += (b'"', data, b'"', part)
    return b"".join(pieces)


def body_excerpt(content: bytes, limit: int = 300) -> str:
    """The start of a body for a message: quoted, HTML tags stripped, secrets redacted."""
    text = plain_text(content, limit)
    return repr(text) if text else "(empty body)"


def _api_message(body: object, reply: Reply) -> str | None:
    if isinstance(body, Mapping):
        message = body.get("message")
        if message is None:
            detail = body.get("detail")
            if isinstance(detail, list):
                message = "; ".join(_format_validation_entry(entry) for entry in detail)
            elif detail is not None:
                message = str(detail)
        if message is None and body.get("error") is not None:
            message = str(body["error"])
        inner = body.get("inner_error_message")
        if message is not None and inner not in (None, "None", "") and inner != message:
            message = f"{message}. More details: {inner}"
        return None if message is None else redact(str(message))
    return plain_text(reply.content, 1000) or None


def _format_validation_entry(entry: object) -> str:
    if not isinstance(entry, Mapping):
        return str(entry)
    location = ".".join(str(part) for part in entry.get("loc", []))
    return f"{location}: {entry.get('msg', '')}".strip(": ")


def _optional_text(body: Mapping[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is None or value == "None":
        return None
    return redact(str(value))


ADVICE = {
    400: "the server could not use the request",
    401: "check the API key",
    403: "the API key has no access to this resource",
    404: "check the model id, workflow or route (does this server version serve it?)",
    408: "the server timed out reading the request",
    410: "this server removed the route",
    413: "the request is too large: send smaller or fewer images (max_batch_size)",
    422: "the request does not validate",
    429: "rate limited: slow down or raise your plan's limit",
    500: "the server failed handling the request",
    502: "a proxy got no valid answer from the server",
    503: "the server cannot serve this now (for a model: is the id right, can it load it?)",
    504: "a proxy timed out waiting for the server",
}
"""What an error status usually means, added to its message (a route's own advice may follow)."""


def _decoded_error_body(reply: Reply) -> object:
    if not reply.is_json:
        return None
    try:
        return redact_value(json.loads(reply.content))
    except ValueError:
        return None


def status_error(reply: Reply, attempts: int = 1) -> APIStatusError:
    """The rf-client error for an error answer (4xx/5xx).

    The class follows the status (:func:`~rf_client.errors.status_error_class`); the
    server's ``message`` (or FastAPI's ``detail`` list, or the text of a non-JSON page,
    tags stripped), ``error_type``, ``inner_error_type`` and ``inner_error_message`` are kept,
    redacted.

    Args:
        reply: The error answer.
        attempts: How many times the request was sent ("failed after 3 attempts").
    """
    body = _decoded_error_body(reply)
    api_message = _api_message(body, reply)
    advice = ADVICE.get(reply.status_code) or (
        "the server refused the request" if reply.status_code < 500 else "the server failed"
    )
    tried = f" after {attempts} attempts" if attempts > 1 else ""
    description = f"{reply.endpoint} failed{tried}: {advice}"
    details: dict[str, Any] = {}
    if isinstance(body, Mapping):
        details = {
            "error_type": _optional_text(body, "error_type"),
            "inner_error_type": _optional_text(body, "inner_error_type"),
            "inner_error_message": _optional_text(body, "inner_error_message"),
        }
        if reply.status_code == 410 and body.get("feature") is not None:
            return FeatureRemovedError(
                description,
                reply.status_code,
                api_message,
                feature=str(body["feature"]),
                reason=_optional_text(body, "reason"),
                removal_release=_optional_text(body, "removal_release"),
                replacement=_optional_text(body, "replacement"),
                error_type=details["error_type"],
                endpoint=reply.endpoint,
                body=body,
            )
    error_class = status_error_class(reply.status_code)
    error = error_class(
        description,
        reply.status_code,
        api_message,
        endpoint=reply.endpoint,
        body=body,
        **details,
    )
    error.retry_after = reply.headers.get("retry-after")
    return error


def redirect_error(reply: Reply) -> ResponseValidationError:
    """The error for a redirect (3xx) from the server, which API calls never follow.

    Following it could send the API key to another host; the message names where the server
    points (without query string) so ``api_url`` can be corrected.
    """
    location = reply.headers.get("location")
    target = f" to {display_url(location)!r}" if location else ""
    return ResponseValidationError(
        f"{reply.endpoint} answered a redirect (status {reply.status_code}){target}, which "
        "rf-client does not follow for API calls: set api_url to the server's actual address "
        "(for example https:// instead of http://)."
    )


_TIMEOUT_PHASES: Mapping[type[httpx.TimeoutException], tuple[str, str]] = {
    httpx.ConnectTimeout: ("connect", "could not connect"),
    httpx.ReadTimeout: ("read", "got no answer"),
    httpx.WriteTimeout: ("write", "could not send the request"),
    httpx.PoolTimeout: ("pool", "waited too long for a free connection"),
}


def _describe_timeout(error: httpx.TimeoutException, timeout: httpx.Timeout | None) -> str:
    phase, happened = _TIMEOUT_PHASES.get(type(error), ("read", "got no answer"))
    seconds = None if timeout is None else getattr(timeout, phase)
    within = f" within {seconds:g} s ({phase} timeout)" if seconds is not None else ""
    return f"{happened}{within}"


def _detail(error: BaseException) -> str:
    text = str(error).strip()
    if isinstance(error, IncompleteBody | RequestNotSendable) and text:
        return redact(text)[:300]  # already "<httpx error type>: <message>"
    return redact(f"{type(error).__name__}: {text}" if text else type(error).__name__)[:300]


def transport_error(
    error: Exception,
    request: Request,
    attempts: int = 1,
    timeout: httpx.Timeout | None = None,
) -> RFClientError:
    """The rf-client error for an httpx failure that produced no (complete) answer.

    Args:
        error: What the transport returned: an httpx error, or one of :class:`IncompleteBody`,
            :class:`RequestNotSendable`, :class:`ResponseTooLarge`.
        request: The request that failed (its ``endpoint`` names it).
        attempts: How many times it was sent.
        timeout: The timeout it ran with, to name the limit that was hit.

    Returns:
        :class:`~rf_client.errors.APITimeoutError` for a timeout,
        :class:`~rf_client.errors.IncompleteResponseError` for a body cut short,
        :class:`~rf_client.errors.InvalidParameterError` for a request httpx cannot build,
        :class:`~rf_client.errors.ResponseValidationError` for an answer over its size cap,
        else :class:`~rf_client.errors.APIConnectionError`.
    """
    tried = f" after {attempts} attempts" if attempts > 1 else ""
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError(
            f"{request.endpoint} timed out{tried}: it {_describe_timeout(error, timeout)}. "
            "Raise the timeout with client.with_options(timeout=...) (None for no timeout) if "
            "the server is just slow."
        )
    if isinstance(error, IncompleteBody):
        return IncompleteResponseError(
            f"{request.endpoint}: the answer was cut short{tried} ({_detail(error)}). The "
            "server or a proxy closed the connection mid-answer; check the server's log."
        )
    if isinstance(error, RequestNotSendable):
        return InvalidParameterError(
            f"{request.endpoint}: the request cannot be sent ({_detail(error)}). Check the "
            "values passed (they must be JSON-serialisable; URLs must be valid)."
        )
    if isinstance(error, ResponseTooLarge):
        return ResponseValidationError(f"{request.endpoint}: the answer is too large ({error}).")
    if isinstance(error, httpx.UnsupportedProtocol):
        return APIConnectionError(
            f"{request.endpoint}: the URL is invalid ({_detail(error)}). Check api_url (e.g. "
            "http://localhost:9001)."
        )
    return APIConnectionError(
        f"{request.endpoint}: no answer from the server{tried} ({_detail(error)}). Is it "
        "running and reachable at api_url?"
    )


def is_retryable(error: RFClientError) -> bool:
    """Whether a failed attempt may be retried: no answer, a timeout, or a transient status."""
    if isinstance(error, APIStatusError):
        return error.status_code in RETRYABLE_STATUS_CODES
    return isinstance(error, APIConnectionError)


NEVER_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
"""Transport failures before any byte of the request left: repeating it cannot repeat its effect."""


def never_processed(outcome: object) -> bool:
    """Whether a failed attempt's ``outcome`` proves the server did not act on the request.

    True for no connection at all, a 429 and a 503 (refused before it was processed); False
    for a timeout while waiting for the answer, a cut-short answer or another 5xx, after which
    the server may have acted.
    """
    if isinstance(outcome, Reply):
        return outcome.status_code in (429, 503)
    return isinstance(outcome, NEVER_SENT_ERRORS)


def retry_after_of(error: RFClientError) -> str | None:
    """The ``Retry-After`` header of an error answer, if the error carries one."""
    return error.retry_after if isinstance(error, APIStatusError) else None
