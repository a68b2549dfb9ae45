"""The event store: every fact of Mentorat, once, in order (eventsourcing on SQLite or PostgreSQL)."""

from eventstore.store import AppendConflict, FactStore, RecordedFact, StaleStreams

__all__ = ["AppendConflict", "FactStore", "RecordedFact", "StaleStreams"]
