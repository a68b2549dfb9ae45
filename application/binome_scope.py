"""Whether a binôme lies in a principal's scope: staff see their programmes' binômes, an integration those of its
programmes (or the few it lists). A binôme's programme never changes after its proposal, so it is remembered."""

import asyncio
from uuid import UUID

from domain.catalogue import BINOME
from domain.errors import NotFound
from domain.principals import Principal, Role
from eventstore import FactStore
from projections.queries import Views

REMEMBERED = 100_000


class BinomeScope:
    def __init__(self, views: Views, store: FactStore):
        self._views = views
        self._store = store
        self._programmes: dict[str, str] = {}

    async def check(self, principal: Principal, binome_id: UUID) -> None:
        """NotFound when the binôme lies outside the scope of staff or an integration (the pair's own rule, on
        its own binôme and side, is the domain's: domain.access)."""
        if principal.role is Role.ADMINISTRATOR or not (principal.is_staff or principal.role is Role.INTEGRATION):
            return
        programme_id = await self.programme_of(binome_id)
        if programme_id is None or not principal.may_touch_binome(str(binome_id), programme_id):
            raise NotFound("binome_not_found")

    async def programme_of(self, binome_id: UUID) -> str | None:
        key = str(binome_id)
        found = self._programmes.get(key)
        if found is None:
            found = await asyncio.to_thread(self._look_up, binome_id)
            if found is not None:
                if len(self._programmes) >= REMEMBERED:
                    self._programmes.clear()
                self._programmes[key] = found
        return found

    def _look_up(self, binome_id: UUID) -> str | None:
        # The view first; a binôme proposed a moment ago may not be there yet: its first fact says it.
        found = self._views.binome_programme(str(binome_id))
        if found is None:
            first = self._store.read(binome_id, upto=1, category=BINOME)
            if first and first[0].fact.type == "MentorshipProposed":
                found = first[0].fact.data.get("programme_id")
        return found
