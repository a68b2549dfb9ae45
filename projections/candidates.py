"""What matching reads of the views for one programme: its persons as the rules across binômes judge them (their
step, pause, capacity, open binômes), their matching profiles, and the pairs already made."""

import json
from collections.abc import Collection

from sqlalchemy import case, func, select

from domain.persons import PersonState
from domain.stages import TERMINAL_STAGES
from projections.database import ViewDatabase
from projections.tables import binomes, persons
from projections.timestamps import from_text

_TERMINAL = sorted(stage.value for stage in TERMINAL_STAGES)
_PERSON_COLUMNS = (persons.c.person_id, persons.c.role, persons.c.name, persons.c.programme_id, persons.c.step,
                   persons.c.paused_until, persons.c.capacity, persons.c.profile)


class CandidateReads:
    def __init__(self, db: ViewDatabase):
        self._db = db

    def signature(self, programme_id: str, role: str) -> tuple[int, int]:
        """Changes whenever a person of this role in the programme changes (each change raises its row's version):
        a cache of their profiles is current while it holds."""
        query = select(func.count(), func.coalesce(func.sum(persons.c.version), 0)).where(
            persons.c.programme_id == programme_id, persons.c.role == role)
        with self._db.read() as conn:
            count, total = conn.execute(query).one()
        return int(count), int(total)

    def open_signature(self, programme_id: str) -> tuple[int, int]:
        """The programme's binômes, and how many are open: a binôme proposed raises the first, one ended lowers the
        second, so the pair changes whenever a place is taken or freed."""
        query = select(func.count(), func.coalesce(func.sum(case((binomes.c.stage.not_in(_TERMINAL), 1), else_=0)), 0)
                       ).where(binomes.c.programme_id == programme_id)
        with self._db.read() as conn:
            count, still_open = conn.execute(query).one()
        return int(count), int(still_open)

    def person(self, person_id: str) -> PersonState | None:
        """One person, with their open binômes (None: not known)."""
        with self._db.read() as conn:
            row = conn.execute(select(*_PERSON_COLUMNS).where(persons.c.person_id == person_id)).first()
        if row is None:
            return None
        return self.persons(row.programme_id, row.role, [person_id]).get(person_id)

    def names(self, person_ids: Collection[str]) -> dict[str, str]:
        if not person_ids:
            return {}
        query = select(persons.c.person_id, persons.c.name).where(persons.c.person_id.in_(sorted(person_ids)))
        with self._db.read() as conn:
            return {row.person_id: row.name for row in conn.execute(query)}

    def persons(self, programme_id: str, role: str, person_ids: Collection[str] | None = None,
                step: str | None = None, profiles: bool = True) -> dict[str, PersonState]:
        """The programme's persons of `role` (only `person_ids`, or only at `step`, when given), with their open
        binômes (and their matching profiles, unless `profiles` is False: reading them costs)."""
        columns = _PERSON_COLUMNS if profiles else _PERSON_COLUMNS[:-1]
        query = select(*columns).where(persons.c.programme_id == programme_id, persons.c.role == role)
        if person_ids is not None:
            query = query.where(persons.c.person_id.in_(sorted(person_ids)))
        if step is not None:
            query = query.where(persons.c.step == step)
        side = binomes.c.mentor_id if role == "mentor" else binomes.c.mentee_id
        other = binomes.c.mentee_id if role == "mentor" else binomes.c.mentor_id
        open_query = select(binomes.c.binome_id, side.label("person_id"), other.label("partner_id")).where(
            binomes.c.programme_id == programme_id, binomes.c.stage.not_in(_TERMINAL))
        if person_ids is not None:
            open_query = open_query.where(side.in_(sorted(person_ids)))
        with self._db.read() as conn:
            found = {row.person_id: _state(row, profiles) for row in conn.execute(query)}
            for row in conn.execute(open_query):
                if row.person_id in found:
                    found[row.person_id].open_binomes[row.binome_id] = row.partner_id
        return found

    def profiles(self, programme_id: str, role: str) -> dict[str, dict]:
        """Every matching profile of the programme's persons of `role`, by person id."""
        query = select(persons.c.person_id, persons.c.profile).where(persons.c.programme_id == programme_id,
                                                                      persons.c.role == role)
        with self._db.read() as conn:
            return {row.person_id: json.loads(row.profile) for row in conn.execute(query)}

    def past_pairs(self, programme_id: str, mentor_id: str | None = None,
                   mentee_id: str | None = None) -> dict[tuple[str, str], str]:
        """(mentor id, mentee id) -> the stage of the pair's latest binôme, for the pairs made in the programme (of
        one mentor or one mentee, when given)."""
        query = select(binomes.c.mentor_id, binomes.c.mentee_id, binomes.c.stage).where(
            binomes.c.programme_id == programme_id, binomes.c.mentor_id.is_not(None))
        if mentor_id is not None:
            query = query.where(binomes.c.mentor_id == mentor_id)
        if mentee_id is not None:
            query = query.where(binomes.c.mentee_id == mentee_id)
        with self._db.read() as conn:
            rows = conn.execute(query.order_by(binomes.c.proposed_at, binomes.c.binome_id)).all()
        return {(row.mentor_id, row.mentee_id): row.stage for row in rows}

    def existing(self, binome_ids: Collection[str]) -> dict[str, str]:
        """Which of these binômes exist, with their stage."""
        if not binome_ids:
            return {}
        query = select(binomes.c.binome_id, binomes.c.stage).where(binomes.c.binome_id.in_(sorted(binome_ids)))
        with self._db.read() as conn:
            return {row.binome_id: row.stage for row in conn.execute(query)}


def _state(row, profiles: bool) -> PersonState:
    return PersonState(row.person_id, role=row.role, programme_id=row.programme_id, name=row.name, step=row.step,
                       paused_until=from_text(row.paused_until), capacity=row.capacity or 1,
                       profile=json.loads(row.profile) if profiles else {})
