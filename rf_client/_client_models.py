"""Server info, the model registry and inference with models trained on the platform."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, overload

from rf_client._base_client import BaseClient, as_batch, deliver
from rf_client._batch import BatchOutcome
from rf_client._ops import inference, registry
from rf_client._plan import Plan
from rf_client.config import HTTPClientMode

if TYPE_CHECKING:
    from rf_api_v1.models import ModelDescriptionEntity, ModelsDescriptions, ServerVersionInfo

    from rf_client._images import ImageInput

Prediction = dict[str, Any]


class ModelsMixin(BaseClient):
    """``get_server_info``, the registry calls and ``infer`` (with their async twins)."""

    def get_server_info(self) -> ServerVersionInfo:
        """The server's name, version and instance id (``GET /info``).

        Raises:
            APIConnectionError: The server cannot be reached.
            APIStatusError: The server answered with an error.
        """
        return self._run(registry.get_server_info(self._context()))

    async def get_server_info_async(self) -> ServerVersionInfo:
        """Async twin of :meth:`get_server_info`."""
        return await self._arun(registry.get_server_info(self._context()))

    def list_loaded_models(self) -> ModelsDescriptions:
        """The models the server has loaded (``GET /model/registry``; v1 only).

        Raises:
            WrongClientModeError: The client is in v0 mode.
        """
        return self._run(registry.list_loaded_models(self._context()))

    async def list_loaded_models_async(self) -> ModelsDescriptions:
        """Async twin of :meth:`list_loaded_models`."""
        return await self._arun(registry.list_loaded_models(self._context()))

    def get_model_description(
        self, model_id: str, allow_loading: bool = True
    ) -> ModelDescriptionEntity:
        """The model's task type and input size (v1 only), cached by the client.

        Args:
            model_id: The model, ``project/version`` or an alias.
            allow_loading: Load the model on the server if it is not loaded yet.

        Raises:
            ModelNotInitializedError: The model is not loaded and ``allow_loading`` is False.
            WrongClientModeError: The client is in v0 mode.
        """
        return self._run(registry.get_model_description(self._context(), model_id, allow_loading))

    async def get_model_description_async(
        self, model_id: str, allow_loading: bool = True
    ) -> ModelDescriptionEntity:
        """Async twin of :meth:`get_model_description`."""
        return await self._arun(
            registry.get_model_description(self._context(), model_id, allow_loading)
        )

    def load_model(self, model_id: str, set_as_default: bool = False) -> ModelsDescriptions:
        """Load ``model_id`` on the server (``POST /model/add``; v1 only); the registry after.

        Args:
            model_id: The model, ``project/version`` or an alias.
            set_as_default: Select the model for calls that give no ``model_id``.
        """
        result = self._run(registry.load_model(self._context(), model_id))
        if set_as_default:
            self.select_model(model_id)
        return result

    async def load_model_async(
        self, model_id: str, set_as_default: bool = False
    ) -> ModelsDescriptions:
        """Async twin of :meth:`load_model`."""
        result = await self._arun(registry.load_model(self._context(), model_id))
        if set_as_default:
            self.select_model(model_id)
        return result

    def unload_model(self, model_id: str) -> ModelsDescriptions:
        """Unload ``model_id`` (``POST /model/remove``; v1 only); unselects it if selected."""
        result = self._run(registry.unload_model(self._context(), model_id))
        self._unselect(model_id)
        return result

    async def unload_model_async(self, model_id: str) -> ModelsDescriptions:
        """Async twin of :meth:`unload_model`."""
        result = await self._arun(registry.unload_model(self._context(), model_id))
        self._unselect(model_id)
        return result

    def unload_all_models(self) -> ModelsDescriptions:
        """Unload every model (``POST /model/clear``; v1 only); clears the selected model."""
        result = self._run(registry.unload_all_models(self._context()))
        self._state.update_base(selected_model=None)
        return result

    async def unload_all_models_async(self) -> ModelsDescriptions:
        """Async twin of :meth:`unload_all_models`."""
        result = await self._arun(registry.unload_all_models(self._context()))
        self._state.update_base(selected_model=None)
        return result

    def _unselect(self, model_id: str) -> None:
        from rf_client._aliases import resolve_model_alias

        selected = self._state.current().selected_model
        if selected is not None and selected in (model_id, resolve_model_alias(model_id)):
            self._state.update_base(selected_model=None)

    # Inference with platform models.

    @overload
    def infer(  # type: ignore[overload-overlap]  # a str is one image
        self, inference_input: ImageInput, model_id: str | None = None
    ) -> Prediction: ...
    @overload
    def infer(
        self, inference_input: Sequence[ImageInput], model_id: str | None = None
    ) -> list[Prediction]: ...
    def infer(
        self, inference_input: ImageInput | Sequence[ImageInput], model_id: str | None = None
    ) -> Prediction | list[Prediction]:
        """Run a model trained on the platform on one image or a list of images.

        One image gives one prediction dict; a list gives a list of dicts in input order.
        Images go ``max_batch_size`` per request with at most ``max_concurrent_requests`` in
        flight (see :class:`InferenceConfiguration`).

        Args:
            inference_input: An image (path, URL, bytes, BGR numpy array, PIL image, base64,
                data URI) or a list of them.
            model_id: ``project/version`` or an alias; defaults to the selected model.

        Raises:
            ModelNotSelectedError: No ``model_id`` and no selected model.
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request; for a batch, ``error.batch`` holds
                every item's result or error.
        """
        items, single = as_batch(inference_input)
        return deliver(self._run(self._infer_plan(items, model_id)), single)

    @overload
    async def infer_async(  # type: ignore[overload-overlap]  # a str is one image
        self, inference_input: ImageInput, model_id: str | None = None
    ) -> Prediction: ...
    @overload
    async def infer_async(
        self, inference_input: Sequence[ImageInput], model_id: str | None = None
    ) -> list[Prediction]: ...
    async def infer_async(
        self, inference_input: ImageInput | Sequence[ImageInput], model_id: str | None = None
    ) -> Prediction | list[Prediction]:
        """Async twin of :meth:`infer`."""
        items, single = as_batch(inference_input)
        return deliver(await self._arun(self._infer_plan(items, model_id)), single)

    def _infer_plan(
        self, items: list[object], model_id: str | None, api: HTTPClientMode | None = None
    ) -> Plan[BatchOutcome[Prediction]]:
        """``infer`` through ``api`` (v0 or v1), or the client's mode when None."""
        context = self._context()
        shape = inference.dict_shape(context)
        if (api or context.mode) is HTTPClientMode.V0:
            return inference.infer_v0(context, items, model_id, shape)
        operation = "infer" if api is None else "infer_from_api_v1"
        return inference.infer_v1(context, items, model_id, shape, operation=operation)

    @overload
    def infer_from_api_v0(  # type: ignore[overload-overlap]  # a str is one image
        self, inference_input: ImageInput, model_id: str | None = None
    ) -> Prediction: ...
    @overload
    def infer_from_api_v0(
        self, inference_input: Sequence[ImageInput], model_id: str | None = None
    ) -> list[Prediction]: ...
    def infer_from_api_v0(
        self, inference_input: ImageInput | Sequence[ImageInput], model_id: str | None = None
    ) -> Prediction | list[Prediction]:
        """:meth:`infer` through the v0 route (``POST /{project}/{version}``), whatever the mode."""
        items, single = as_batch(inference_input)
        return deliver(self._run(self._infer_plan(items, model_id, HTTPClientMode.V0)), single)

    @overload
    async def infer_from_api_v0_async(  # type: ignore[overload-overlap]  # a str is one image
        self, inference_input: ImageInput, model_id: str | None = None
    ) -> Prediction: ...
    @overload
    async def infer_from_api_v0_async(
        self, inference_input: Sequence[ImageInput], model_id: str | None = None
    ) -> list[Prediction]: ...
    async def infer_from_api_v0_async(
        self, inference_input: ImageInput | Sequence[ImageInput], model_id: str | None = None
    ) -> Prediction | list[Prediction]:
        """Async twin of :meth:`infer_from_api_v0`."""
        items, single = as_batch(inference_input)
        plan = self._infer_plan(items, model_id, HTTPClientMode.V0)
        return deliver(await self._arun(plan), single)

    @overload
    def infer_from_api_v1(  # type: ignore[overload-overlap]  # a str is one image
        self, inference_input: ImageInput, model_id: str | None = None
    ) -> Prediction: ...
    @overload
    def infer_from_api_v1(
        self, inference_input: Sequence[ImageInput], model_id: str | None = None
    ) -> list[Prediction]: ...
    def infer_from_api_v1(
        self, inference_input: ImageInput | Sequence[ImageInput], model_id: str | None = None
    ) -> Prediction | list[Prediction]:
        """:meth:`infer` through the v1 routes (``POST /infer/<task>``); needs v1 mode."""
        items, single = as_batch(inference_input)
        return deliver(self._run(self._infer_plan(items, model_id, HTTPClientMode.V1)), single)

    @overload
    async def infer_from_api_v1_async(  # type: ignore[overload-overlap]  # a str is one image
        self, inference_input: ImageInput, model_id: str | None = None
    ) -> Prediction: ...
    @overload
    async def infer_from_api_v1_async(
        self, inference_input: Sequence[ImageInput], model_id: str | None = None
    ) -> list[Prediction]: ...
    async def infer_from_api_v1_async(
        self, inference_input: ImageInput | Sequence[ImageInput], model_id: str | None = None
    ) -> Prediction | list[Prediction]:
        """Async twin of :meth:`infer_from_api_v1`."""
        items, single = as_batch(inference_input)
        plan = self._infer_plan(items, model_id, HTTPClientMode.V1)
        return deliver(await self._arun(plan), single)
