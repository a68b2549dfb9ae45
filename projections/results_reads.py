"""Reads of the results view: the rows of the binômes of some programmes, those of one partner organisation's
people (an ISP's mentees, a company's mentors) if asked."""

from collections.abc import Collection
from typing import Any

from sqlalchemy import or_, select

from projections.database import ViewDatabase
from projections.tables import binome_results, persons
from projections.timestamps import from_text

_MOMENTS = ("proposed_at", "started_at", "exit_at", "completed_at")
_COLUMNS = ("binome_id", "programme_id", *_MOMENTS, "exit_kind", "outcome", "stopped_by", "meetings",
            "months_checked", "months_met", "contacts_due", "contacts_on_time")


class ResultReads:
    def __init__(self, db: ViewDatabase):
        self._db = db

    def rows(self, programme_id: str | None, programme_ids: Collection[str] | None,
             organisation_id: str | None = None) -> list[dict[str, Any]]:
        r = binome_results.c
        query = select(*(r[name] for name in _COLUMNS))
        if programme_id is not None:
            query = query.where(r.programme_id == programme_id)
        if programme_ids is not None:
            query = query.where(r.programme_id.in_(sorted(programme_ids)))
        if organisation_id is not None:
            people = select(persons.c.person_id).where(persons.c.organisation_id == organisation_id)
            query = query.where(or_(r.mentee_id.in_(people), r.mentor_id.in_(people)))
        with self._db.read() as conn:
            found = conn.execute(query).mappings().all()
        return [{**row, **{name: from_text(row[name]) for name in _MOMENTS}} for row in found]
