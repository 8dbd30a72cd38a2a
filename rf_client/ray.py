"""Batch inference on Ray Data: one rf-client per Ray worker, predictions as columns.

``pip install "rf-client[ray]"``. Nothing here imports Ray: the class below is what Ray Data
calls, so it works (and is tested) on plain batches too, and ``import rf_client`` never loads
Ray::

    import ray
    from rf_client.ray import RayInferenceSettings, RayPredictor

    settings = RayInferenceSettings(
        api_url=["http://10.0.0.1:9001", "http://10.0.0.2:9001"],
        api_key="...",
        model_id="project/3",
        max_concurrent_requests=8,          # per Ray worker, spread over the servers
    )
    paths = ray.data.from_items([{"image": str(p)} for p in sorted(folder.glob("*.jpg"))])
    results = paths.map_batches(
        RayPredictor,
        fn_constructor_kwargs={"settings": settings},
        concurrency=2,                       # Ray workers, each with its own client
        batch_size=32,
    )

Every input row comes out once, in order, with every input column kept and three added:
``prediction`` (the result as JSON text, ``None`` where the row failed), ``error`` (``None``,
or the error's class and its redacted message) and ``error_type`` (the error's class name).
A row that fails never fails the job. See docs/scaling.md.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import json
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar, cast

import attrs

from rf_client.errors import (
    InvalidParameterError,
    MissingDependencyError,
    RFClientError,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from rf_client.client import InferenceHTTPClient
    from rf_client.config import InferenceConfiguration

__all__ = [
    "ERROR_COLUMN",
    "ERROR_TYPE_COLUMN",
    "PREDICTION_COLUMN",
    "RAY_EXTRA_HINT",
    "RayInferenceSettings",
    "RayPredictor",
    "predict_dataset",
    "require_ray_data",
]

RAY_EXTRA_HINT = 'pip install "rf-client[ray]"'
PREDICTION_COLUMN = "prediction"
"""The result of each row as JSON text (``json.loads`` gives the client's dict); None if failed."""
ERROR_COLUMN = "error"
"""``None``, or ``"ClassName: message"`` (redacted: never the API key)."""
ERROR_TYPE_COLUMN = "error_type"
"""``None``, or the rf-client error class of the row's failure (``"NotFoundError"``)."""

ChannelOrder = Literal["rgb", "bgr"]


def _api_urls(value: str | Sequence[str]) -> tuple[str, ...]:
    from rf_client._settings import checked_api_urls

    return checked_api_urls(value)


def _shown_key(value: str | None) -> str:
    return "None" if value is None else "'***'"


def _check_positive(name: str) -> Callable[[object, attrs.Attribute[Any], int | None], None]:
    def check(instance: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise InvalidParameterError(f"{name} must be an int or None, not {value!r}.")
        least = 1 if name == "max_concurrent_requests" else 0
        if value is not None and value < least:
            raise InvalidParameterError(f"{name} must be at least {least}, not {value}.")

    return check


@attrs.frozen(kw_only=True)
class RayInferenceSettings:
    """What each Ray worker needs to build its client: picklable, checked when made.

    Give ``model_id`` (``client.infer``) or a workflow: ``workflow_specification`` or
    ``workspace_name`` and ``workflow_id`` (``client.run_workflow``, one run per row with
    the row's image as ``workflow_image_input``).

    Attributes:
        api_url: One server's URL or a sequence of several (one client spreads over them).
        api_key: The API key; pickled to the workers (Ray ships it), never shown in the repr.
        model_id: The model to run (``project/version`` or an alias).
        workflow_specification: A workflow definition to run on each row instead of a model.
        workspace_name: The workspace of a saved workflow (with ``workflow_id``).
        workflow_id: The id of a saved workflow.
        workflow_image_input: The workflow's image input the row's image goes to.
        workflow_parameters: The workflow's other inputs, the same for every row.
        configuration: The client's configuration (thresholds, batching, ...).
        image_column: The column holding each row's image: a path, an http(s) URL, the
            file's bytes, base64 text or a decoded ``HxWx3`` uint8 array.
        array_channel_order: Channel order of decoded arrays: ``"rgb"`` (what
            ``ray.data.read_images`` gives; reversed before sending) or ``"bgr"`` (OpenCV's,
            the client's own convention).
        max_concurrent_requests: Requests in flight per worker (over all its servers); None
            keeps the configuration's.
        timeout: Seconds per request; None keeps the client's default (10 s to connect,
            120 s to read).
        max_retries: Retries of a transiently failed request; None keeps the client's (2).
    """

    api_url: tuple[str, ...] = attrs.field(converter=_api_urls)
    api_key: str | None = attrs.field(default=None, repr=_shown_key)
    model_id: str | None = None
    workflow_specification: Mapping[str, Any] | None = None
    workspace_name: str | None = None
    workflow_id: str | None = None
    workflow_image_input: str = "image"
    workflow_parameters: Mapping[str, Any] | None = None
    configuration: InferenceConfiguration | None = None
    image_column: str = "image"
    array_channel_order: ChannelOrder = "rgb"
    max_concurrent_requests: int | None = attrs.field(
        default=None, validator=_check_positive("max_concurrent_requests")
    )
    timeout: float | None = None
    max_retries: int | None = attrs.field(default=None, validator=_check_positive("max_retries"))

    def __attrs_post_init__(self) -> None:
        workflow = self.workflow_specification is not None or self.workflow_id is not None
        if (self.model_id is None) == (not workflow):
            raise InvalidParameterError(
                "RayInferenceSettings needs exactly one of model_id or a workflow "
                "(workflow_specification, or workspace_name and workflow_id)."
            )
        if self.array_channel_order not in ("rgb", "bgr"):
            raise InvalidParameterError(
                f"array_channel_order must be 'rgb' or 'bgr', not {self.array_channel_order!r}."
            )
        # Everything the client checks (timeout, configuration) fails here, on the driver,
        # rather than in every Ray worker; making a client sends nothing.
        self.build_client().close()

    @property
    def runs_workflow(self) -> bool:
        """True when each row runs the workflow rather than a model."""
        return self.model_id is None

    def build_client(self) -> InferenceHTTPClient:
        """A client over :attr:`api_url` with these settings (one per Ray worker)."""
        from rf_client._settings import NOT_GIVEN
        from rf_client.client import InferenceHTTPClient
        from rf_client.config import InferenceConfiguration

        urls: str | list[str] = self.api_url[0] if len(self.api_url) == 1 else list(self.api_url)
        client = InferenceHTTPClient(
            urls,
            self.api_key,
            timeout=NOT_GIVEN if self.timeout is None else self.timeout,
            max_retries=self.max_retries,
        )
        configuration = self.configuration or InferenceConfiguration()
        if self.max_concurrent_requests is not None:
            configuration = dataclasses.replace(
                configuration, max_concurrent_requests=self.max_concurrent_requests
            )
        return client.configure(configuration)


class _DataFrameLike(Protocol):
    """A pandas DataFrame, as Ray gives it for ``batch_format="pandas"``."""

    @property
    def columns(self) -> Any: ...  # a pandas Index: iterating gives the column names

    def __getitem__(self, name: str, /) -> Any: ...


class _TableLike(Protocol):
    """A pyarrow Table, as Ray gives it for ``batch_format="pyarrow"``."""

    @property
    def column_names(self) -> list[str]: ...

    def column(self, name: str, /) -> Any: ...


RayBatch = Mapping[str, Any] | _DataFrameLike | _TableLike
"""A batch as Ray Data hands it over: a dict of numpy arrays, a DataFrame or a Table."""


def _columns(batch: RayBatch) -> dict[str, NDArray[Any]]:
    """Every column of ``batch`` as a numpy array (what Ray takes back, whatever the format)."""
    import numpy as np

    if isinstance(batch, Mapping):
        return {str(name): np.asarray(values) for name, values in batch.items()}
    if hasattr(batch, "column_names"):
        table = cast("_TableLike", batch)  # a DataFrame has no column_names
        return {
            name: np.asarray(table.column(name).to_numpy(zero_copy_only=False))
            for name in table.column_names
        }
    # The last format: a DataFrame (mypy narrows by hasattr, pyright does not).
    frame = cast("_DataFrameLike", batch)  # type: ignore[redundant-cast,unused-ignore]
    return {str(name): np.asarray(frame[name].to_numpy()) for name in frame.columns}


def _row_image(value: object, channel_order: ChannelOrder) -> object:
    """One cell of the image column as a client image input."""
    import numpy as np

    if isinstance(value, np.ndarray):
        if value.dtype == object and value.ndim == 0:
            return _row_image(value.item(), channel_order)
        if channel_order == "rgb" and value.ndim == 3 and value.shape[2] in (3, 4):
            reordered = value[..., [2, 1, 0, *range(3, value.shape[2])]]
            return np.ascontiguousarray(reordered)
        return value
    if isinstance(value, np.str_):
        return str(value)
    if isinstance(value, np.bytes_):
        return bytes(value)
    return value


def _failure_text(error: RFClientError) -> str:
    from rf_client._redaction import redact

    text = str(error)
    if error.batch is not None:  # the row's own error, without the batch's summary
        text = text.removesuffix(f" [{error.batch.summary()}]")
    return redact(f"{type(error).__name__}: {text}")


def _as_json(value: object) -> str:
    from rf_client.cli._jsonable import to_jsonable

    return json.dumps(to_jsonable(value), separators=(",", ":"))


class RayPredictor:
    """The callable class for ``Dataset.map_batches(RayPredictor, fn_constructor_kwargs=...)``.

    Ray makes one instance per worker (``concurrency=N`` workers): ``__init__`` builds that
    worker's one client from the settings, ``__call__`` runs a batch through it. Rows whose
    image is unusable, and rows the servers refused or never answered, get their error in the
    ``error`` columns; every other row its ``prediction``, in input order.

    Args:
        settings: Where and what to run (picklable; built on the driver, checked there).
    """

    def __init__(self, settings: RayInferenceSettings) -> None:
        if not isinstance(settings, RayInferenceSettings):
            raise InvalidParameterError(
                "RayPredictor takes settings=RayInferenceSettings(...) (through "
                f"fn_constructor_kwargs), not {type(settings).__name__}."
            )
        self._settings = settings
        self._client = settings.build_client()

    def __repr__(self) -> str:
        return f"RayPredictor({self._settings!r})"

    @property
    def client(self) -> InferenceHTTPClient:
        """This worker's client (``client.node_stats()`` tells how its servers did)."""
        return self._client

    def __call__(self, batch: RayBatch) -> dict[str, NDArray[Any]]:
        """The batch's columns plus ``prediction``, ``error`` and ``error_type``, row for row."""
        import numpy as np

        columns = _columns(batch)
        name = self._settings.image_column
        if name not in columns:
            raise InvalidParameterError(
                f"the batch has no column {name!r} (columns: {sorted(columns)}): set "
                "RayInferenceSettings(image_column=...) to the column holding the images."
            )
        cells = columns[name]
        images = [
            _row_image(cells[i], self._settings.array_channel_order) for i in range(len(cells))
        ]
        outcomes = self._predict(images)
        predictions = np.empty(len(images), dtype=object)
        errors = np.empty(len(images), dtype=object)
        error_types = np.empty(len(images), dtype=object)
        for index, outcome in enumerate(outcomes):
            if isinstance(outcome, RFClientError):
                predictions[index] = None
                errors[index] = _failure_text(outcome)
                error_types[index] = type(outcome).__name__
            else:
                predictions[index], errors[index], error_types[index] = outcome, None, None
        return {
            **columns,
            PREDICTION_COLUMN: predictions,
            ERROR_COLUMN: errors,
            ERROR_TYPE_COLUMN: error_types,
        }

    def _predict(self, images: list[object]) -> list[str | RFClientError]:
        """Each image's prediction as JSON text, or its error, in order."""
        from rf_client._images import check_image

        outcomes: list[str | RFClientError] = []
        usable: list[int] = []
        for index, image in enumerate(images):
            try:
                check_image(image)
            except RFClientError as error:
                outcomes.append(error)
                continue
            outcomes.append("")
            usable.append(index)
        if not usable:
            return outcomes
        sent = [images[i] for i in usable]
        results = self._run_workflows(sent) if self._settings.runs_workflow else self._infer(sent)
        for index, result in zip(usable, results, strict=True):
            outcomes[index] = result
        return outcomes

    def _infer(self, images: list[object]) -> list[str | RFClientError]:
        try:
            predictions: list[object] = list(
                self._client.infer(images, model_id=self._settings.model_id)  # type: ignore[arg-type]
            )
        except RFClientError as error:
            if error.batch is None:
                return [error] * len(images)  # the call itself failed: every row says why
            predictions = list(error.batch.results)
            failed = error.batch.errors
            return [
                failed[i] if i in failed else self._encoded(p) for i, p in enumerate(predictions)
            ]
        return [self._encoded(prediction) for prediction in predictions]

    def _run_workflows(self, images: list[object]) -> list[str | RFClientError]:
        # One run per row: a failing row fails alone, and the rows spread over the servers.
        settings = self._settings
        limit = self._client.inference_configuration.max_concurrent_requests

        def run(image: object) -> str | RFClientError:
            try:
                outputs = self._client.run_workflow(
                    workspace_name=settings.workspace_name,
                    workflow_id=settings.workflow_id,
                    specification=settings.workflow_specification,
                    images={settings.workflow_image_input: image},  # type: ignore[dict-item]
                    parameters=settings.workflow_parameters,
                )
            except RFClientError as error:
                return error
            return self._encoded(outputs[0] if len(outputs) == 1 else outputs)

        with concurrent.futures.ThreadPoolExecutor(max_workers=limit) as pool:
            return list(pool.map(run, images))

    @staticmethod
    def _encoded(result: object) -> str | RFClientError:
        try:
            return _as_json(result)
        except (TypeError, ValueError) as error:
            return InvalidParameterError(
                f"a result cannot be stored as JSON ({type(error).__name__}): use the "
                "base64 visualisation format (output_visualisation_format) for images."
            )

    def close(self) -> None:
        """Close this worker's connections (they reopen if the predictor is called again)."""
        self._client.close()

    def __enter__(self) -> RayPredictor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


D_co = TypeVar("D_co", covariant=True)


class _MapsBatches(Protocol[D_co]):
    """A Ray ``Dataset``: what :func:`predict_dataset` needs of it."""

    @property
    def map_batches(self) -> Callable[..., D_co]: ...


def predict_dataset(
    dataset: _MapsBatches[D_co],
    settings: RayInferenceSettings,
    *,
    concurrency: int,
    batch_size: int = 32,
    batch_format: Literal["numpy", "pandas", "pyarrow"] = "numpy",
    num_cpus: float | None = None,
) -> D_co:
    """``dataset.map_batches(RayPredictor, ...)`` with rf-client's settings: a lazy Dataset.

    Args:
        dataset: A ``ray.data.Dataset`` with a column ``settings.image_column``.
        settings: Where and what to run.
        concurrency: Ray workers (each with one client of ``max_concurrent_requests``).
        batch_size: Rows per call of a worker.
        batch_format: How Ray hands the batches over.
        num_cpus: CPUs Ray reserves per worker (Ray's default, 1, when None). The workers
            mostly wait on the servers: a fraction (0.5) leaves CPUs to the tasks that read
            the data, which otherwise wait for ever when ``concurrency`` workers hold every
            CPU (a job reading files with ``read_images`` on a 2-CPU runtime, for example).

    Raises:
        MissingDependencyError: Ray Data is not installed (``pip install "rf-client[ray]"``).
        InvalidParameterError: ``concurrency`` or ``batch_size`` is not a positive int, or
            ``num_cpus`` not a positive number.
    """
    require_ray_data()
    for name, value in (("concurrency", concurrency), ("batch_size", batch_size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InvalidParameterError(f"{name} must be a positive int, not {value!r}.")
    if num_cpus is not None and (
        isinstance(num_cpus, bool) or not isinstance(num_cpus, int | float) or num_cpus <= 0
    ):
        raise InvalidParameterError(
            f"num_cpus must be a positive number or None, not {num_cpus!r}."
        )
    reserved: dict[str, float] = {} if num_cpus is None else {"num_cpus": float(num_cpus)}
    return dataset.map_batches(
        RayPredictor,
        fn_constructor_kwargs={"settings": settings},
        concurrency=concurrency,
        batch_size=batch_size,
        batch_format=batch_format,
        **reserved,
    )


def require_ray_data() -> None:
    """Raise MissingDependencyError, saying what to install, when Ray Data cannot be imported."""
    import importlib

    try:
        importlib.import_module("ray.data")
    except ImportError as error:
        raise MissingDependencyError(
            f"the Ray Data integration needs ray[data], which cannot be imported ({error}): "
            f"install it with {RAY_EXTRA_HINT}."
        ) from None
