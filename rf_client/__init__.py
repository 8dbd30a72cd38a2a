"""rf-client: a strongly typed client for Roboflow-compatible computer-vision inference servers.

Drop-in for ``inference_sdk``: swap ``from inference_sdk import ...`` for
``from rf_client import ...``.
"""

import os
import warnings

from rf_client._batch import BatchOutcome, Outcome
from rf_client._client_streams import OnError
from rf_client._http import ClientOptions, RetryPolicy, URLImagePolicy
from rf_client._images import ImageInput
from rf_client._nodes import NodeStats
from rf_client._ops.video import VideoReference
from rf_client._ops.workflows import WorkflowImage
from rf_client._streams import StreamInput
from rf_client.client import InferenceHTTPClient
from rf_client.config import (
    ApiKeyTransport,
    HTTPClientMode,
    InferenceConfiguration,
    VisualisationResponseFormat,
    str2bool,
)
from rf_client.errors import (
    APIConnectionError,
    APIKeyNotProvided,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadGatewayError,
    BadRequestError,
    ClientRequestError,
    ConflictError,
    EncodingError,
    FeatureDeprecatedError,
    FeatureRemovedError,
    GatewayTimeoutError,
    GoneError,
    HTTPCallErrorError,
    HTTPClientError,
    HTTPServerConnectionError,
    IncompleteResponseError,
    InferenceSDKDeprecationWarning,
    InferenceSDKGuidanceWarning,
    InternalServerError,
    InvalidInputError,
    InvalidInputFormatError,
    InvalidModelIdentifier,
    InvalidParameterError,
    InvalidParameterTypeError,
    InvalidURLImageInput,
    MissingDependencyError,
    ModelNotInitializedError,
    ModelNotSelectedError,
    ModelTaskTypeNotSupportedError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitError,
    RequestTimeoutStatusError,
    ResponseValidationError,
    RetryError,
    RFClientDeprecationWarning,
    RFClientError,
    ServerError,
    ServiceUnavailableError,
    UnprocessableEntityError,
    URLAddressNotAllowedError,
    WrongClientModeError,
)

__version__ = "0.1.0"

INFERENCE_WARNINGS_DISABLED = os.getenv("INFERENCE_WARNINGS_DISABLED", "False").strip().lower() in (
    "true",
    "1",
    "yes",
)
"""``INFERENCE_WARNINGS_DISABLED=true`` silences rf-client's warnings, as it does 1.8.3's."""

if INFERENCE_WARNINGS_DISABLED:
    warnings.simplefilter("ignore", RFClientDeprecationWarning)
    warnings.simplefilter("ignore", InferenceSDKGuidanceWarning)

__all__ = [
    "INFERENCE_WARNINGS_DISABLED",
    "APIConnectionError",
    "APIKeyNotProvided",
    "APIStatusError",
    "APITimeoutError",
    "ApiKeyTransport",
    "AuthenticationError",
    "BadGatewayError",
    "BadRequestError",
    "BatchOutcome",
    "ClientOptions",
    "ClientRequestError",
    "ConflictError",
    "EncodingError",
    "FeatureDeprecatedError",
    "FeatureRemovedError",
    "GatewayTimeoutError",
    "GoneError",
    "HTTPCallErrorError",
    "HTTPClientError",
    "HTTPClientMode",
    "HTTPServerConnectionError",
    "ImageInput",
    "IncompleteResponseError",
    "InferenceConfiguration",
    "InferenceHTTPClient",
    "InferenceSDKDeprecationWarning",
    "InferenceSDKGuidanceWarning",
    "InternalServerError",
    "InvalidInputError",
    "InvalidInputFormatError",
    "InvalidModelIdentifier",
    "InvalidParameterError",
    "InvalidParameterTypeError",
    "InvalidURLImageInput",
    "MissingDependencyError",
    "ModelNotInitializedError",
    "ModelNotSelectedError",
    "ModelTaskTypeNotSupportedError",
    "NodeStats",
    "NotFoundError",
    "OnError",
    "Outcome",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RFClientDeprecationWarning",
    "RFClientError",
    "RateLimitError",
    "RequestTimeoutStatusError",
    "ResponseValidationError",
    "RetryError",
    "RetryPolicy",
    "ServerError",
    "ServiceUnavailableError",
    "StreamInput",
    "URLAddressNotAllowedError",
    "URLImagePolicy",
    "UnprocessableEntityError",
    "VideoReference",
    "VisualisationResponseFormat",
    "WorkflowImage",
    "WrongClientModeError",
    "__version__",
    "str2bool",
]
