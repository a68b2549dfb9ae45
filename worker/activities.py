"""Activities: the only place workflows touch the world (the event store)."""

from uuid import UUID

import structlog
from temporalio import activity
from temporalio.exceptions import ApplicationError

from domain import engagements, persons
from domain.engagements import Engagement
from domain.errors import DomainError, NotFound
from domain.facts import Fact, same_facts
from domain.persons import PersonState
from eventstore import AppendConflict, FactStore, Held, StaleStreams
from workflows.refusals import refusal
from workflows.types import APPEND_FACTS, AppendFacts, StoredFact

log = structlog.get_logger("mentorat.activities")
# Proposals racing for the same mentee: each loser reads the persons again and is judged on the winner's facts.
MAX_RACES = 50


class StoreActivities:
    def __init__(self, store: FactStore):
        self._store = store

    @activity.defn(name=APPEND_FACTS)
    def append_facts(self, request: AppendFacts) -> list[StoredFact]:
        """The binôme's facts as the store holds them from the first one's position on: the request's, written
        now, or what an earlier attempt wrote (a crash, then the workflow deciding again at another moment).

        Run again and again, it writes once: the workflow folds the answer, so it agrees with the store.
        """
        info = activity.info()
        bound = log.bind(binome_id=request.binome_id, workflow_id=info.workflow_id, attempt=info.attempt)
        try:
            held = self.append(request)
        except AppendConflict as error:
            bound.error("append_conflict", error=str(error))
            raise ApplicationError(str(error), type="AppendConflict", non_retryable=True) from error
        except DomainError as refused:
            bound.info("engagement_refused", code=refused.code, params=refused.params)
            raise refusal(refused) from None
        stored = held.facts
        if not info.is_local and not same_facts([s.fact for s in stored], request.facts):
            # Workflows from before the local append fold what they decided, not this answer: for them, other
            # facts at those places are a conflict, as they always were.
            bound.error("append_conflict", positions=[f.position for f in request.facts])
            raise ApplicationError(f"stream {request.binome_id}: positions hold other facts", type="AppendConflict",
                                   non_retryable=True)
        bound.info("facts_appended" if held.written else "facts_already_recorded",
                   types=[s.fact.type for s in stored], positions=[s.fact.position for s in stored])
        return [StoredFact(s.fact, s.recorded_at, s.notification_id) for s in stored]

    def append(self, request: AppendFacts) -> Held:
        """Writes the binôme's facts, with the places they take or free on its people's streams, in one
        transaction; or gives back what an earlier attempt wrote. A rule across binômes refuses (DomainError)."""
        stream_id = UUID(request.binome_id)
        if request.engagement is None:
            return self._store.record(stream_id, request.facts)
        # Written earlier (an attempt that outlived its timeout, a crash): judging the places again would see
        # this binôme's own place taken and refuse it.
        already = self._store.read(stream_id, after=request.facts[0].position - 1)
        if already:
            return Held(already, written=False)
        for _ in range(MAX_RACES):
            try:
                others = self._person_facts(request.engagement, request.facts[0])
                return self._store.record(stream_id, request.facts, others)
            except StaleStreams:
                continue
        raise StaleStreams(request.binome_id)

    def _person_facts(self, engagement: Engagement, first: Fact) -> list[tuple[UUID, Fact]]:
        mentor = self._person(engagement.mentor_id, "mentor_id")
        mentee = self._person(engagement.mentee_id, "mentee_id")
        if engagement.change == "join":
            changes = engagements.join(engagement, mentor, mentee, first.actor)
        else:
            changes = engagements.leave(engagement, [mentor, mentee])
        return [(UUID(person_id), fact) for person_id, fact in changes]

    def _person(self, person_id: str, field: str) -> PersonState:
        try:
            stream_id = UUID(person_id)
        except ValueError:
            raise NotFound(f"{field.removesuffix('_id')}_not_found", field=field) from None
        facts = self._store.read(stream_id, category="person")
        return persons.fold(str(stream_id), [recorded.fact for recorded in facts])
