"""rf-client's errors: one hierarchy, one class per kind of failure.

Every failure a caller can meet raises a subclass of :class:`RFClientError`; no raw
``httpx``, ``OSError``, ``KeyError`` or ``binascii`` exception escapes. Messages name the
input or the endpoint and say what to do. They never contain the API key or the service
secret (see ``rf_client._redaction``)::

    RFClientError                      (alias HTTPClientError, the 1.8.3 base)
    ├── APIStatusError                 (alias HTTPCallErrorError) the server answered 4xx/5xx
    │   ├── ClientRequestError         4xx
    │   │   ├── BadRequestError            400
    │   │   ├── AuthenticationError        401
    │   │   ├── PermissionDeniedError      403
    │   │   ├── NotFoundError              404
    │   │   ├── RequestTimeoutStatusError  408
    │   │   ├── ConflictError              409
    │   │   ├── GoneError                  410
    │   │   │   └── FeatureRemovedError    410 for a removed feature (also FeatureDeprecatedError)
    │   │   ├── PayloadTooLargeError       413
    │   │   ├── UnprocessableEntityError   422
    │   │   └── RateLimitError             429
    │   └── ServerError                5xx
    │       ├── InternalServerError        500
    │       ├── BadGatewayError            502
    │       ├── ServiceUnavailableError    503
    │       └── GatewayTimeoutError        504
    ├── APIConnectionError             (alias HTTPServerConnectionError) no answer at all
    │   ├── APITimeoutError                the answer did not come in time
    │   └── IncompleteResponseError        the answer was cut short (also ResponseValidationError)
    ├── ResponseValidationError        the answer is not what the endpoint promises
    ├── InvalidInputError              an input is unusable (also a ValueError)
    │   ├── InvalidInputFormatError        it is of no usable kind: None, a number, a dict, ...
    │   │                                  (the class 1.8.3 raises; also a TypeError)
    │   ├── EncodingError                  it cannot be decoded or encoded
    │   ├── InvalidURLImageInput           a URL image input breaks the URL policy
    │   └── URLAddressNotAllowedError      a URL resolves to a refused address
    ├── InvalidParameterError          a parameter or configuration value is invalid (also a
    │   │                              ValueError)
    │   ├── InvalidParameterTypeError      it has the wrong type (also a TypeError)
    │   └── InvalidFlagTextError           text that is neither true nor false (str2bool)
    ├── InvalidModelIdentifier         a model id is malformed (also a ValueError)
    ├── ModelNotSelectedError          no model id given and none selected
    ├── ModelNotInitializedError       the server does not have the model and may not load it
    ├── ModelTaskTypeNotSupportedError the model's task has no such route
    ├── WrongClientModeError           the operation needs the other API version
    ├── APIKeyNotProvided              the operation needs an API key
    ├── FeatureDeprecatedError         the feature was removed
    ├── MissingDependencyError         an optional dependency (OpenCV for video) is missing
    └── RetryError                     kept importable for 1.8.3 code; never raised

Bad arguments are also builtin errors, so ``except`` clauses written for 1.8.3 keep working:
every :class:`InvalidInputError` and :class:`InvalidParameterError` is a ``ValueError`` (1.8.3
raises a ``ValueError`` for an unknown OCR model, for example), and the wrong-type ones
(:class:`InvalidInputFormatError`, :class:`InvalidParameterTypeError`) are a ``TypeError``
too. :class:`MissingDependencyError` is a ``ModuleNotFoundError`` (an ``ImportError``).

Warnings: :class:`RFClientDeprecationWarning` (a ``DeprecationWarning``) for methods kept for
inference-sdk compatibility that have a replacement; its 1.8.3 name
``InferenceSDKDeprecationWarning`` and ``InferenceSDKGuidanceWarning`` stay importable.

When one item of a batch fails, the error of the first failing item is raised (so code that
catches its class keeps working) with :attr:`RFClientError.batch` set: every item's result or
error, in input order.

Retries: connection failures, timeouts, cut-short answers and the statuses 408, 429, 500, 502,
503 and 504 are retried (``max_retries``, default 2) with exponential backoff and jitter,
honouring ``Retry-After``; the error raised is the last attempt's and its message says how
many attempts were made ("... failed after 3 attempts").

Errors are picklable (they cross process boundaries intact) and never chain a third-party
exception that could carry a request URL or body.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar, Protocol

# This module is the bottom of the package: it imports no other rf_client module, so every
# module can import it. What ``error.batch`` holds (rf_client._batch.BatchOutcome) is described
# here by the protocols below instead of imported.


class ItemOutcome(Protocol):
    """One item of :attr:`RFClientError.batch`: its ``value``, or the ``error`` that stopped it."""

    @property
    def value(self) -> Any:
        """The item's result (``None`` when it failed)."""
        ...

    @property
    def error(self) -> RFClientError | None:
        """The item's error (``None`` when it succeeded)."""
        ...


class BatchRecord(Protocol):
    """What :attr:`RFClientError.batch` holds (a ``rf_client.BatchOutcome``)."""

    @property
    def outcomes(self) -> Sequence[ItemOutcome]:
        """Every item's outcome, in input order."""
        ...

    @property
    def results(self) -> list[Any]:
        """Each item's result, ``None`` where the item failed."""
        ...

    @property
    def errors(self) -> dict[int, RFClientError]:
        """The error of each failed item, by 0-based input index."""
        ...

    @property
    def failed_indexes(self) -> list[int]:
        """0-based input indexes of the failed items, ascending."""
        ...

    def summary(self) -> str:
        """``"items 2, 5 of 10 failed; ..."``."""
        ...

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[ItemOutcome]: ...


class RFClientError(Exception):
    """Base class of every error rf-client raises.

    Attributes:
        batch: When this error ends a batch (``infer([...])`` and friends), every item's result
            or error in input order; ``None`` for a single call.
    """

    batch: BatchRecord | None

    def __init__(self, message: str = "", *args: object) -> None:
        # Extra arguments are accepted as 1.8.3's plain-Exception errors accept them (tests
        # and mocks written for it raise ``HTTPClientError()`` or with several values).
        super().__init__(message, *args)
        self.message = message
        self.batch = None

    def __str__(self) -> str:
        if self.batch is None:
            return self.message
        return f"{self.message} [{self.batch.summary()}]"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Subclasses take other constructor arguments; rebuild from the attributes instead.
        return (_rebuild_error, (type(self), self.args, dict(self.__dict__)))


def _rebuild_error(
    cls: type[RFClientError], args: tuple[Any, ...], state: dict[str, Any]
) -> RFClientError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


HTTPClientError = RFClientError
"""The 1.8.3 name of the base class."""


class APIStatusError(RFClientError):
    """The server answered with an error status (4xx or 5xx).

    Attributes:
        status_code: The HTTP status.
        api_message: The server's own message (``message``, ``detail`` or the body text).
        description: What rf-client says about it: the endpoint and what to do.
        error_type: The server's ``error_type`` (workflow and core errors), if any.
        inner_error_type: The workflow error's ``inner_error_type``, if any.
        inner_error_message: The workflow error's ``inner_error_message``, if any.
        endpoint: ``"METHOD /path"`` of the failed call.
        body: The decoded JSON body of the answer, when it was JSON.
        retry_after: The answer's ``Retry-After`` header, if any.
    """

    status_codes: ClassVar[tuple[int, ...]] = ()
    retry_after: str | None = None

    def __init__(
        self,
        description: str,
        status_code: int,
        api_message: str | None = None,
        *,
        error_type: str | None = None,
        inner_error_type: str | None = None,
        inner_error_message: str | None = None,
        endpoint: str | None = None,
        body: object = None,
    ) -> None:
        # Explicit, not super(): FeatureRemovedError also inherits FeatureDeprecatedError.
        RFClientError.__init__(self, description)
        self.description = description
        self.status_code = status_code
        self.api_message = api_message
        self.error_type = error_type
        self.inner_error_type = inner_error_type
        self.inner_error_message = inner_error_message
        self.endpoint = endpoint
        self.body = body

    def __str__(self) -> str:
        parts = [f"{self.description} (status {self.status_code}"]
        if self.error_type:
            parts.append(f", {self.error_type}")
        parts.append(")")
        if self.api_message:
            parts.append(f": {self.api_message}")
        text = "".join(parts)
        return text if self.batch is None else f"{text} [{self.batch.summary()}]"


HTTPCallErrorError = APIStatusError
"""The 1.8.3 name of :class:`APIStatusError`."""


class ClientRequestError(APIStatusError):
    """The server refused the request (4xx): fix the request before trying again."""


class BadRequestError(ClientRequestError):
    """400: the server could not use the request (bad image, bad workflow, bad parameter)."""

    status_codes = (400,)


class AuthenticationError(ClientRequestError):
    """401: the API key is missing or invalid."""

    status_codes = (401,)


class PermissionDeniedError(ClientRequestError):
    """403: the API key has no access to this resource."""

    status_codes = (403,)


class NotFoundError(ClientRequestError):
    """404: no such model, workflow, pipeline or route on this server."""

    status_codes = (404,)


class RequestTimeoutStatusError(ClientRequestError):
    """408: the server gave up waiting for the request (retried before being raised)."""

    status_codes = (408,)


class ConflictError(ClientRequestError):
    """409: the request conflicts with the server's state."""

    status_codes = (409,)


class GoneError(ClientRequestError):
    """410: the server removed this route."""

    status_codes = (410,)


class PayloadTooLargeError(ClientRequestError):
    """413: the request body is too large for the server; send smaller or fewer images."""

    status_codes = (413,)


class UnprocessableEntityError(ClientRequestError):
    """422: the request body does not validate; ``validation_errors`` lists FastAPI's details."""

    status_codes = (422,)

    @property
    def validation_errors(self) -> list[Mapping[str, Any]]:
        """FastAPI's ``detail`` entries (``type``, ``loc``, ``msg``, ``input``), if present."""
        if isinstance(self.body, Mapping):
            detail = self.body.get("detail")
            if isinstance(detail, list):
                return [entry for entry in detail if isinstance(entry, Mapping)]
        return []


class RateLimitError(ClientRequestError):
    """429: too many requests (retried with backoff before being raised)."""

    status_codes = (429,)


class ServerError(APIStatusError):
    """The server failed (5xx); retrying later may succeed."""


class InternalServerError(ServerError):
    """500: the server failed while handling the request."""

    status_codes = (500,)


class BadGatewayError(ServerError):
    """502: a proxy in front of the server got no valid answer from it."""

    status_codes = (502,)


class ServiceUnavailableError(ServerError):
    """503: the server cannot serve now (for a model: it cannot load it or reach its registry)."""

    status_codes = (503,)


class GatewayTimeoutError(ServerError):
    """504: a proxy in front of the server timed out waiting for it."""

    status_codes = (504,)


class APIConnectionError(RFClientError):
    """No answer came from the server: it is down, unreachable, or dropped the connection."""


HTTPServerConnectionError = APIConnectionError
"""The 1.8.3 name of :class:`APIConnectionError`."""


class APITimeoutError(APIConnectionError):
    """The server did not answer within the timeout; raise it with ``with_options(timeout=...)``."""


class ResponseValidationError(RFClientError):
    """The server's answer is not what the endpoint promises (malformed, truncated, wrong shape).

    Also raised for a redirect (3xx) from the server: rf-client does not follow redirects of
    API calls, since that could send the API key to another host; point ``api_url`` at the
    address the server redirects to.
    """


class IncompleteResponseError(APIConnectionError, ResponseValidationError):
    """The answer stopped before its end (connection closed mid-body); it is retried first.

    Both a connection failure (transient: retried like one) and a response that cannot be
    used, so ``except ResponseValidationError`` and ``except APIConnectionError`` catch it.
    """


class InvalidInputError(RFClientError, ValueError):
    """An input (image, video, text, list) cannot be used; nothing was sent.

    Also a ``ValueError``: a bad argument, as Python's own functions report one.
    """


class InvalidInputFormatError(InvalidInputError, TypeError):
    """An input is of no kind rf-client can use (``None``, a number, a dict, any other object).

    The class inference-sdk 1.8.3 raises for such an input, so ``except InvalidInputFormatError``
    keeps working; ``except InvalidInputError`` catches it too. Also a ``TypeError`` (1.8.3
    fails with one for a stream source of the wrong type).
    """


class EncodingError(InvalidInputError):
    """An input or an output cannot be decoded or encoded (bad base64, corrupt image)."""


class InvalidURLImageInput(InvalidInputError):
    """A URL given as an image breaks the URL policy (scheme, size, redirects)."""


class URLAddressNotAllowedError(InvalidInputError):
    """A URL given as an image resolves to an address the URL policy refuses."""


class InvalidParameterError(RFClientError, ValueError):
    """A parameter or a configuration value is invalid; nothing was sent.

    Also a ``ValueError``, which inference-sdk 1.8.3 raises for some bad arguments (an unknown
    OCR model), so ``except ValueError`` written for it keeps working.
    """


class InvalidParameterTypeError(InvalidParameterError, TypeError):
    """A parameter has the wrong type (``images`` a list where a dict is needed, ...).

    Also a ``TypeError``: where 1.8.3 failed on such a value (with a ``TypeError``, or an
    ``AttributeError`` from deep inside), rf-client says which parameter and what it takes.
    """


class InvalidFlagTextError(InvalidParameterError):
    """Text that is neither ``true`` nor ``false`` where a flag is read (``str2bool``).

    A ``ValueError`` (as every :class:`InvalidParameterError`), which 1.8.3's ``str2bool`` raised.
    """


class InvalidModelIdentifier(RFClientError, ValueError):
    """A model id is malformed (expected ``project/version`` or a known alias).

    A ``ValueError`` too, as every bad-argument error; a model id that is not a string at all
    raises :class:`InvalidParameterTypeError`.
    """


class ModelNotSelectedError(RFClientError):
    """No ``model_id`` was given and no model is selected (``select_model``/``use_model``)."""


class ModelNotInitializedError(RFClientError):
    """The server does not have the model and was not allowed to load it."""


class ModelTaskTypeNotSupportedError(RFClientError):
    """The model's task type has no route for this operation."""


class WrongClientModeError(RFClientError):
    """The operation needs the other API version (``select_api_v1()`` / ``select_api_v0()``)."""


class APIKeyNotProvided(RFClientError):
    """The operation needs an API key and the client has none."""


class FeatureDeprecatedError(RFClientError):
    """The feature was removed (by the server or the SDK).

    Attributes:
        feature: What was removed.
        reason: Why, when known.
        removal_release: The release that removed it, when known.
        replacement: The closest replacement, when there is one.
    """

    def __init__(
        self,
        feature: str,
        *,
        reason: str | None = None,
        removal_release: str | None = None,
        replacement: str | None = None,
    ) -> None:
        message = f"{feature} has been removed."
        if reason:
            message += f" {reason}"
        if removal_release:
            message += f" Removed in {removal_release}."
        if replacement:
            message += f" Closest replacement: {replacement}."
        RFClientError.__init__(self, message)
        self.feature = feature
        self.reason = reason
        self.removal_release = removal_release
        self.replacement = replacement


class FeatureRemovedError(GoneError, FeatureDeprecatedError):
    """410 for a feature the server removed (gaze detection on inference 1.8.3 and newer)."""

    status_codes = (410,)

    def __init__(
        self,
        description: str,
        status_code: int,
        api_message: str | None = None,
        *,
        feature: str,
        reason: str | None = None,
        removal_release: str | None = None,
        replacement: str | None = None,
        error_type: str | None = None,
        endpoint: str | None = None,
        body: object = None,
    ) -> None:
        APIStatusError.__init__(
            self,
            description,
            status_code,
            api_message,
            error_type=error_type,
            endpoint=endpoint,
            body=body,
        )
        self.feature = feature
        self.reason = reason
        self.removal_release = removal_release
        self.replacement = replacement


class MissingDependencyError(RFClientError, ModuleNotFoundError):
    """An optional dependency (or feature) is missing; the message says what to install or use.

    Also a ``ModuleNotFoundError`` (an ``ImportError``), which inference-sdk 1.8.3 raises where a
    module it needs (OpenCV, aiortc for ``webrtc``) is missing, so code catching it keeps working.
    """


class RFClientDeprecationWarning(FutureWarning):
    """Warns about a method kept for inference-sdk compatibility that has a replacement.

    A ``FutureWarning`` (shown by default, as 1.8.3's plain ``Warning`` is), not a
    ``DeprecationWarning``, which Python hides when the call comes from an imported module.
    ``INFERENCE_WARNINGS_DISABLED=true`` silences it, as in 1.8.3.
    """


InferenceSDKDeprecationWarning = RFClientDeprecationWarning
"""The 1.8.3 name of :class:`RFClientDeprecationWarning` (filter either)."""


class InferenceSDKGuidanceWarning(UserWarning):
    """Kept importable for code written for inference-sdk 1.8.3, which filters it.

    rf-client needs no guidance warnings: the API key goes in the ``Authorization`` header
    by default, the recommendation 1.8.3 warned about.
    """


class RetryError(RFClientError):
    """Kept importable for code written for inference-sdk 1.8.3; rf-client never raises it.

    Exhausted retries raise the error of the last attempt instead.
    """

    def __init__(
        self,
        description: str,
        status_code: int | None = None,
        inner_error: Exception | None = None,
    ) -> None:
        super().__init__(description)
        self.description = description
        self.status_code = status_code
        self.inner_error = inner_error


STATUS_ERROR_CLASSES: Mapping[int, type[APIStatusError]] = {
    code: cls
    for cls in (
        BadRequestError,
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        RequestTimeoutStatusError,
        ConflictError,
        GoneError,
        PayloadTooLargeError,
        UnprocessableEntityError,
        RateLimitError,
        InternalServerError,
        BadGatewayError,
        ServiceUnavailableError,
        GatewayTimeoutError,
    )
    for code in cls.status_codes
}
"""The status error class of each status code that has one (others: APIStatusError)."""


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The most specific error class for an HTTP error status."""
    specific = STATUS_ERROR_CLASSES.get(status_code)
    if specific is not None:
        return specific
    if 400 <= status_code < 500:
        return ClientRequestError
    if status_code >= 500:
        return ServerError
    return APIStatusError


def summarise_failed_indexes(indexes: Sequence[int], total: int) -> str:
    """``"items 2, 5 of 10 failed"`` (1-based, at most 10 listed)."""
    shown = ", ".join(str(index + 1) for index in indexes[:10])
    more = f" and {len(indexes) - 10} more" if len(indexes) > 10 else ""
    noun = "item" if len(indexes) == 1 else "items"
    return f"{noun} {shown}{more} of {total} failed"
