"""The log of personal-data reads: each read that shows people's personal data records who read whose, and when
(a `PersonalDataRead` fact, one stream per read so readers never contend). Programmes answer data-subject access
requests from it (`GET /audit/personal-data-reads`). A person reading their own record is not logged."""

import asyncio
import uuid
from collections.abc import Sequence

from application import clock
from domain.facts import Fact
from domain.principals import Principal
from eventstore import FactStore
from projections.paging import Key
from projections.queries import Page, Views


class PersonalDataReads:
    def __init__(self, store: FactStore, views: Views | None = None):
        self._store = store
        self._views = views

    async def record(self, principal: Principal, person_ids: Sequence[str], what: str) -> None:
        subjects = sorted({p for p in person_ids if p != principal.person_id})
        if not subjects:
            return
        fact = Fact("PersonalDataRead", 1, clock.now(), principal.actor,
                    {"subjects": subjects, "what": what})
        await asyncio.to_thread(self._store.append, uuid.uuid4(), [fact])

    async def page(self, person_id: str | None, reader: str | None, limit: int, after: Key | None = None) -> Page:
        return await asyncio.to_thread(self._views.personal_data_reads, person_id, reader, limit, after=after)
