"""HTTP values shared by the sync and async transports: requests, replies, options, errors.

Nothing here does I/O. A :class:`Request` says what to send; the transports turn it into one
httpx call and give back a :class:`Reply`; :func:`status_error` and :func:`transport_error`
turn failures into rf-client errors whose messages name the endpoint and never hold a secret.
"""

from __future__ import annotations

import email.utils
import json
import random
import time
from collections.abc import Mapping
from typing import Any

import attrs
import httpx

from rf_client._redaction import redact, redact_value
from rf_client.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    FeatureRemovedError,
    ResponseValidationError,
    RFClientError,
    status_error_class,
)

DEFAULT_TIMEOUT = httpx.Timeout(120.0, connect=10.0)
"""Connect within 10 s; any other wait (write, read, pool) 120 s: cold model loads are slow."""

RETRYABLE_STATUS_CODES = frozenset({408, 429, 500, 502, 503, 504})


@attrs.frozen
class RetryPolicy:
    """Exponential backoff with full jitter, honouring ``Retry-After`` up to a cap.

    Attributes:
        max_retries: Retries after the first attempt (0 disables retrying).
        initial_delay: Upper bound of the first backoff, in seconds; doubles each retry.
        max_delay: Upper bound of any backoff, in seconds.
        max_retry_after: The longest ``Retry-After`` honoured, in seconds.
    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0

    def __attrs_post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, not {self.max_retries}")

    def delay(self, retry_number: int, retry_after: str | None = None) -> float:
        """Seconds to wait before retry ``retry_number`` (1-based)."""
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
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


@attrs.frozen
class URLImagePolicy:
    """How images given as http(s) URLs are downloaded by the client.

    Attributes:
        timeout: Connect/read timeout of the download.
        max_bytes: The largest image accepted; a larger download is aborted.
        max_redirects: Redirects followed before giving up.
        allow_private_addresses: When False, URLs whose host resolves to a private, loopback,
            link-local or reserved address are refused (every redirect hop is checked).
            True by default: local servers and local image hosts are common.
    """

    timeout: httpx.Timeout = attrs.field(factory=lambda: httpx.Timeout(30.0, connect=10.0))
    max_bytes: int = 50 * 1024 * 1024
    max_redirects: int = 5
    allow_private_addresses: bool = True


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


@attrs.frozen
class Request:
    """One HTTP request, before the transport sends it.

    ``url`` is a path on the server (``/infer/object_detection``) or an absolute URL.
    ``endpoint`` (``"POST /infer/object_detection"``) names it in messages; it must not hold
    secrets. ``retryable`` False sends it once whatever happens.
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
    max_response_bytes: int | None = None
    uses_client_timeout: bool = True
    timeout: httpx.Timeout | None = None

    @classmethod
    def from_generated(
        cls,
        kwargs: Mapping[str, Any],
        *,
        retryable: bool = True,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Request:
        """A request from a generated operation's ``build_request_kwargs(...)``."""
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
        )

    def with_headers(self, headers: Mapping[str, str]) -> Request:
        """This request with ``headers`` added (they win over existing ones)."""
        return attrs.evolve(self, headers={**self.headers, **headers})

    def with_params(self, params: Mapping[str, Any]) -> Request:
        """This request with query ``params`` added (they win over existing ones)."""
        return attrs.evolve(self, params={**self.params, **params})


@attrs.frozen
class Reply:
    """A server's answer: status, headers and the whole body."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes
    endpoint: str

    @property
    def content_type(self) -> str:
        """The media type, lower-cased, without parameters (``application/json``)."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def json(self) -> Any:
        """The body decoded as JSON; ResponseValidationError when it is not JSON."""
        if self.content_type and not (
            self.content_type == "application/json" or self.content_type.endswith("+json")
        ):
            raise ResponseValidationError(
                f"{self.endpoint} answered {self.content_type or 'no content type'} where JSON "
                f"was expected: {body_excerpt(self.content)}. Is the URL a Roboflow inference "
                "server?"
            )
        try:
            return json.loads(self.content)
        except (ValueError, UnicodeDecodeError) as error:
            raise ResponseValidationError(
                f"{self.endpoint} answered malformed JSON ({type(error).__name__}: "
                f"{redact(str(error))[:200]}): {body_excerpt(self.content)}. The answer may have "
                "been cut short; try again, or check the server's log."
            ) from None


def body_excerpt(content: bytes, limit: int = 300) -> str:
    """The start of a body as text, HTML tags stripped, secrets redacted."""
    text = content[: limit * 4].decode("utf-8", errors="replace")
    if "<" in text and ">" in text:
        import re

        text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    if not text:
        return "(empty body)"
    return repr(redact(text[:limit]) + ("..." if len(text) > limit else ""))


def _api_message(body: object, content: bytes) -> str | None:
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
    text = content.decode("utf-8", errors="replace").strip()
    return redact(text[:1000]) if text else None


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


def status_error(reply: Reply, attempts: int = 1) -> APIStatusError:
    """The rf-client error for an error answer (4xx/5xx)."""
    body: object = None
    if reply.content_type == "application/json" or reply.content_type.endswith("+json"):
        try:
            body = redact_value(json.loads(reply.content))
        except (ValueError, UnicodeDecodeError):
            body = None
    api_message = _api_message(body, reply.content)
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


def transport_error(error: Exception, request: Request, attempts: int = 1) -> RFClientError:
    """The rf-client error for an httpx failure that produced no answer."""
    tried = f" after {attempts} attempts" if attempts > 1 else ""
    detail = redact(f"{type(error).__name__}: {error}")[:300]
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError(
            f"{request.endpoint} timed out{tried} ({detail}). Raise the timeout with "
            "client.with_options(timeout=...) if the server is just slow."
        )
    if isinstance(error, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return APIConnectionError(
            f"{request.endpoint}: the URL is invalid ({detail}). Check api_url (e.g. "
            "http://localhost:9001)."
        )
    return APIConnectionError(
        f"{request.endpoint}: no answer from the server{tried} ({detail}). Is it running and "
        "reachable at api_url?"
    )


def is_retryable(error: RFClientError) -> bool:
    """Whether a failed attempt may be retried: no answer, a timeout, or a transient status."""
    if isinstance(error, APIStatusError):
        return error.status_code in RETRYABLE_STATUS_CODES
    return isinstance(error, APIConnectionError)


def retry_after_of(error: RFClientError) -> str | None:
    """The ``Retry-After`` header of an error answer, if the error carries one."""
    return error.retry_after if isinstance(error, APIStatusError) else None
