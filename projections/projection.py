"""What a named projection is: a name, the fact types it handles, the tables it owns, and how it applies facts.

A projection applies facts through a `Batch`, opened on the projector's transaction: `apply` may keep
changes in memory (a binôme touched by ten facts is written once), `flush` writes them. The projector
calls them in log order and owns the transaction, the tracked position and the parking of failed facts.
A projection may remember the states it wrote between batches (memory.py); the projector tells it when to forget.
"""

from abc import ABC, abstractmethod
from collections.abc import Iterable

from sqlalchemy import Connection, Table

from eventstore import RecordedFact


class Batch(ABC):
    @abstractmethod
    def apply(self, recorded: RecordedFact) -> None: ...

    @abstractmethod
    def flush(self) -> None: ...


class Projection(ABC):
    name: str
    # The rows it owns: emptied when it is rebuilt.
    tables: tuple[Table, ...]

    @abstractmethod
    def handles(self, fact_type: str) -> bool: ...

    @abstractmethod
    def batch(self, conn: Connection) -> Batch: ...

    def forget(self, stream_ids: Iterable[str] | None = None) -> None:
        """Drops what it remembers of these streams' rows (all, by default): see memory.py. Nothing by default."""
