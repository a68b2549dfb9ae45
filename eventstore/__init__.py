"""The event store: every fact of Mentorat, once, in order (eventsourcing on SQLite or PostgreSQL)."""

from eventstore.store import AppendConflict, FactStore, Held, RecordedFact, StaleStreams

__all__ = ["AppendConflict", "FactStore", "Held", "RecordedFact", "StaleStreams"]
