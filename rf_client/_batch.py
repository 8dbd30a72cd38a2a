"""What a batch gives back: every item's result or error, in input order."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Generic, TypeVar

import attrs

from rf_client.errors import RFClientError, summarise_failed_indexes

T = TypeVar("T")
U = TypeVar("U")


def detach_foreign_chain(error: RFClientError) -> None:
    """Unlink every non-rf-client exception from ``error``'s chain.

    An exception raised while handling another keeps it in ``__context__`` (even with
    ``raise X from None``, which only hides it from tracebacks): a decode error holds the
    body, an httpx error its URL, either may hold a secret. Only rf-client errors, whose
    messages are redacted, stay linked. The drivers call it on every error leaving a plan;
    :class:`Outcome` on every error it keeps, since a plan may catch and keep errors itself.
    """
    current: BaseException | None = error
    for _ in range(16):  # chains are short; the bound guards against cycles
        if current is None:
            return
        if current.__suppress_context__ or not isinstance(current.__context__, RFClientError):
            current.__context__ = None
        if not isinstance(current.__cause__, RFClientError):
            current.__cause__ = None
        current = current.__cause__ or current.__context__


@attrs.frozen
class Outcome(Generic[T]):
    """One item's outcome: its ``value``, or the ``error`` that stopped it (exactly one is set)."""

    value: T | None = None
    error: RFClientError | None = None

    def __attrs_post_init__(self) -> None:
        if self.error is not None:
            detach_foreign_chain(self.error)

    @property
    def ok(self) -> bool:
        """True when the item succeeded."""
        return self.error is None

    def unwrap(self) -> T:
        """The value; raises the item's error when it failed."""
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]  # a success may carry None on purpose


@attrs.frozen
class BatchOutcome(Generic[T]):
    """Every item of a batch, in input order: ``results[i]`` or ``errors[i]``."""

    outcomes: Sequence[Outcome[T]]

    @property
    def results(self) -> list[T | None]:
        """Each item's result, ``None`` where the item failed."""
        return [outcome.value for outcome in self.outcomes]

    @property
    def errors(self) -> dict[int, RFClientError]:
        """The error of each failed item, by 0-based input index."""
        return {i: o.error for i, o in enumerate(self.outcomes) if o.error is not None}

    @property
    def failed_indexes(self) -> list[int]:
        """0-based input indexes of the failed items, ascending."""
        return [i for i, outcome in enumerate(self.outcomes) if outcome.error is not None]

    def __len__(self) -> int:
        return len(self.outcomes)

    def __iter__(self) -> Iterator[Outcome[T]]:
        return iter(self.outcomes)

    def summary(self) -> str:
        """``"items 2, 5 of 10 failed; the other results are in error.batch.results"``."""
        failed = self.failed_indexes
        text = summarise_failed_indexes(failed, len(self.outcomes))
        if len(failed) < len(self.outcomes):
            text += "; the other results are in error.batch.results"
        return text

    def raise_first_error(self) -> None:
        """Raise the first failed item's error, with ``.batch`` set to this outcome; else return."""
        for outcome in self.outcomes:
            if outcome.error is not None:
                outcome.error.batch = self
                raise outcome.error

    def map(self, function: Callable[[T], U]) -> BatchOutcome[U]:
        """Apply ``function`` to every successful value, keeping errors in place."""
        mapped: list[Outcome[U]] = []
        for outcome in self.outcomes:
            if outcome.error is not None:
                mapped.append(Outcome(error=outcome.error))
            else:
                mapped.append(Outcome(value=function(outcome.unwrap())))
        return BatchOutcome(mapped)
