"""Activities: the only place workflows touch the world (the event store)."""

from uuid import UUID

import structlog
from temporalio import activity
from temporalio.exceptions import ApplicationError

from eventstore import AppendConflict, FactStore
from workflows.types import APPEND_FACTS, AppendFacts

log = structlog.get_logger("mentorat.activities")


class StoreActivities:
    def __init__(self, store: FactStore):
        self._store = store

    @activity.defn(name=APPEND_FACTS)
    def append_facts(self, request: AppendFacts) -> bool:
        """Idempotent: a retry after a crash finds its facts already there and writes nothing."""
        info = activity.info()
        bound = log.bind(binome_id=request.binome_id, workflow_id=info.workflow_id, attempt=info.attempt)
        try:
            written = self._store.append(UUID(request.binome_id), request.facts)
        except AppendConflict as error:
            bound.error("append_conflict", error=str(error))
            raise ApplicationError(str(error), type="AppendConflict", non_retryable=True) from error
        bound.info("facts_appended" if written else "facts_already_recorded",
                   types=[f.type for f in request.facts], positions=[f.position for f in request.facts])
        return written
