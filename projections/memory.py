"""The states a projection wrote lately, kept between its batches so the next batch starts from them instead of
reading and decoding its rows again (most of a rebuild's cost otherwise).

A remembered state is exactly the row this projector committed, so it may be used only while nobody else could
have changed that row. The projector forgets a projection's memory whenever that is not sure: its position is not
where this projector left it (another projector or a rebuild moved it), a batch failed or parked a fact (states
are changed in place: a rolled-back batch leaves them ahead of the rows), parked facts were retried. Streams with
parked facts are never remembered: retrying them elsewhere changes their rows without moving the position.
"""

from collections import OrderedDict
from collections.abc import Iterable
from typing import Generic, TypeVar

# About 10 kB each for a binôme (20 MB per projection, in the API's process too): enough for the binômes active
# at once in a large programme.
REMEMBERED_STATES = 2_000

State = TypeVar("State")


class StateMemory(Generic[State]):
    def __init__(self, limit: int = REMEMBERED_STATES):
        self._limit = limit
        self._states: OrderedDict[str, State] = OrderedDict()

    def get(self, key: str) -> State | None:
        return self._states.get(key)

    def keep(self, states: dict[str, State]) -> None:
        """After a flush: these states are now the rows (most recent last; the oldest are dropped)."""
        for key, state in states.items():
            self._states.pop(key, None)
            self._states[key] = state
        while len(self._states) > self._limit:
            self._states.popitem(last=False)

    def forget(self, keys: Iterable[str] | None = None) -> None:
        if keys is None:
            self._states.clear()
            return
        for key in keys:
            self._states.pop(key, None)
