"""Batch inference on Ray Data: one client per Ray worker, predictions as columns.

Install the extra (``pip install "rf-client[ray]"``) and hand :class:`InferencePredictor` to
``Dataset.map_batches``; Ray builds one predictor, so one client and one connection pool, per
worker, and feeds it batches of rows::

    import ray
    from rf_client.ray import InferencePredictor, RaySettings

    settings = RaySettings(
        api_url=["http://gpu-1:9001", "http://gpu-2:9001"],   # one server or many
        api_key="...",
        model_id="my-project/3",
    )
    images = ray.data.read_images("s3://bucket/photos/", include_paths=True)
    predictions = images.map_batches(
        InferencePredictor,
        fn_constructor_kwargs={"settings": settings},
        concurrency=4,           # Ray workers, each with its own client
        num_cpus=0.5,            # they mostly wait: leave CPUs to read_images' tasks
        batch_size=32,
        batch_format="numpy",
    )

Every row comes back, in order, with a ``prediction`` column (the result as JSON text, or
None) and an ``error`` column (None, or ``"ErrorClass: message"``): a row whose image cannot
be read or whose request fails is recorded, never a failed job. This module does not import
Ray: the predictor only needs the numpy batches Ray hands it, so it also runs (and is tested)
without a Ray runtime. ``docs/scaling.md`` sizes ``concurrency`` and
``max_concurrent_requests`` against a number of servers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Literal, cast

import attrs

from rf_client._redaction import redact
from rf_client.config import InferenceConfiguration
from rf_client.errors import InvalidParameterError, RFClientError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from rf_client._images import ImageInput
    from rf_client.client import InferenceHTTPClient

__all__ = ["InferencePredictor", "RaySettings"]


def _as_urls(value: str | Sequence[str]) -> str | tuple[str, ...]:
    # A list is turned into a tuple so that the settings stay hashable and immutable.
    return value if isinstance(value, str) else tuple(value)


@attrs.frozen
class RaySettings:
    """Everything a Ray worker needs to build its client; picklable, the key never shown.

    Attributes:
        api_url: One server's URL, or several (the client spreads requests over them).
        model_id: The model every row is run through.
        api_key: The API key, if the servers need one; carried to the workers in the pickle
            (Ray moves it between your own processes) and never shown in ``repr``.
        configuration: The inference configuration (confidence, ``max_batch_size``,
            ``max_concurrent_requests``, ...); None for the defaults.
        image_column: The column holding each row's image: a path or URL (text), the file's
            bytes, or a decoded ``HxWx3`` uint8 array.
        array_channel_order: The channel order of decoded arrays: ``"rgb"`` (what
            ``ray.data.read_images`` gives, the default) or ``"bgr"`` (OpenCV's).
        prediction_column: Where each row's result goes, as JSON text.
        error_column: Where each row's error goes (None for a row that succeeded).
        keep_image: Keep the image column in the output; False drops it (decoded images are
            large and rarely needed after inference).
        timeout: Seconds per request, or None for the client's default.
        max_retries: Retries of a transiently failed request, or None for the default.
    """

    api_url: str | tuple[str, ...] = attrs.field(converter=_as_urls)
    model_id: str
    api_key: str | None = attrs.field(default=None, repr=False)
    configuration: InferenceConfiguration | None = None
    image_column: str = "image"
    array_channel_order: Literal["rgb", "bgr"] = "rgb"
    prediction_column: str = "prediction"
    error_column: str = "error"
    keep_image: bool = True
    timeout: float | None = None
    max_retries: int | None = None

    def __attrs_post_init__(self) -> None:
        if self.array_channel_order not in ("rgb", "bgr"):
            raise InvalidParameterError(
                "RaySettings.array_channel_order must be 'rgb' or 'bgr', not "
                f"{self.array_channel_order!r}."
            )
        columns = {self.image_column, self.prediction_column, self.error_column}
        if len(columns) != 3:
            raise InvalidParameterError(
                "RaySettings: image_column, prediction_column and error_column must be three "
                f"different names, not {self.image_column!r}, {self.prediction_column!r} and "
                f"{self.error_column!r}."
            )
        # Everything the client checks (URLs, key, timeout, retries, configuration, model id)
        # fails here, on the driver, instead of once in every Ray worker; making a client
        # sends nothing.
        from rf_client._context import check_model_id

        check_model_id(self.model_id)
        self.make_client().close()

    def make_client(self) -> InferenceHTTPClient:
        """The client these settings describe (one per Ray worker)."""
        from rf_client._settings import NOT_GIVEN
        from rf_client.client import InferenceHTTPClient

        client = InferenceHTTPClient(
            self.api_url,
            self.api_key,
            timeout=NOT_GIVEN if self.timeout is None else self.timeout,
            max_retries=self.max_retries,
        )
        if self.configuration is not None:
            client.configure(self.configuration)
        return client


class InferencePredictor:
    """The callable class for ``Dataset.map_batches(InferencePredictor, ...)``.

    Ray calls it with a batch as a dict of numpy columns (``batch_format="numpy"``) and
    takes back a dict of columns of the same length: the input columns (the image column
    unless ``keep_image=False``), ``prediction`` and ``error``. Rows keep their order.
    """

    def __init__(self, settings: RaySettings) -> None:
        """Build this worker's client from ``settings``.

        Raises:
            InvalidParameterError: ``settings`` is not a RaySettings, or holds a value the
                client refuses (a URL, a timeout, a configuration field).
        """
        if not isinstance(settings, RaySettings):
            raise InvalidParameterError(
                f"InferencePredictor takes RaySettings, not {type(settings).__name__}: pass "
                "fn_constructor_kwargs={'settings': RaySettings(...)} to map_batches."
            )
        self._settings = settings
        self._client = settings.make_client()

    def __repr__(self) -> str:
        return f"InferencePredictor({self._settings!r})"

    def __call__(self, batch: Mapping[str, NDArray[np.generic]]) -> dict[str, NDArray[np.generic]]:
        """Run the batch's images through the model; every row gets a prediction or an error.

        Raises:
            InvalidParameterError: The batch has no image column (a mistake in the job, not
                in one row: the message names the columns it has).
        """
        import numpy as np

        settings = self._settings
        if settings.image_column not in batch:
            raise InvalidParameterError(
                f"the batch has no column {settings.image_column!r} (its columns: "
                f"{', '.join(map(repr, batch)) or 'none'}): set RaySettings(image_column=...)."
            )
        column = batch[settings.image_column]
        images = [self._image_of(column[index]) for index in range(len(column))]
        predictions, errors = self._predict(images)
        output: dict[str, NDArray[np.generic]] = {
            name: values
            for name, values in batch.items()
            if settings.keep_image or name != settings.image_column
        }
        output[settings.prediction_column] = np.array(predictions, dtype=object)
        output[settings.error_column] = np.array(errors, dtype=object)
        return output

    def close(self) -> None:
        """Close this worker's connections (Ray drops the predictor when the job ends)."""
        self._client.close()

    def _image_of(self, value: object) -> ImageInput:
        """A row's value as an image input of the client (RGB arrays turned to BGR).

        A value of no image kind is passed on as it is: the client refuses it with the
        error recorded in its row.
        """
        import numpy as np

        if isinstance(value, np.ndarray):
            if value.dtype == object and value.ndim == 0:
                return self._image_of(value.item())
            if (
                value.ndim == 3
                and value.shape[2] >= 3
                and self._settings.array_channel_order == "rgb"
            ):
                return np.ascontiguousarray(value[:, :, 2::-1])
            return value
        if isinstance(value, np.str_):
            return str(value)
        if isinstance(value, np.bytes_):
            return bytes(value)
        return cast("ImageInput", value)

    def _predict(self, images: list[ImageInput]) -> tuple[list[str | None], list[str | None]]:
        """Each image's result as JSON text, or its error, in order."""
        if not images:
            return [], []
        try:
            results = self._client.infer(images, model_id=self._settings.model_id)
        except RFClientError as error:
            if error.batch is None:
                # Refused before anything was sent (one row's image, a model id): run each
                # row alone so that a bad row does not cost its neighbours their results.
                return self._predict_each(images)
            outcomes = error.batch.outcomes
            return (
                [_as_json(o.value) if o.error is None else None for o in outcomes],
                [None if o.error is None else _describe(o.error) for o in outcomes],
            )
        return [_as_json(result) for result in results], [None] * len(images)

    def _predict_each(self, images: list[ImageInput]) -> tuple[list[str | None], list[str | None]]:
        predictions: list[str | None] = []
        errors: list[str | None] = []
        for image in images:
            try:
                result = self._client.infer([image], model_id=self._settings.model_id)
            except RFClientError as error:
                predictions.append(None)
                errors.append(_describe(error))
            else:
                predictions.append(_as_json(result[0]))
                errors.append(None)
        return predictions, errors


def _as_json(result: object) -> str:
    """A result as JSON text: Arrow stores text of any shape, where nested dicts of varying
    keys would need one schema for every row of the dataset."""
    from rf_client.cli._jsonable import to_jsonable

    return json.dumps(to_jsonable(result), separators=(",", ":"))


def _describe(error: RFClientError) -> str:
    return f"{type(error).__name__}: {redact(str(error))}"
