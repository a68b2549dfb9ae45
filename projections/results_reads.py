"""Reads of the results view: the rows of the binômes of some programmes, those of one partner organisation's
people (an ISP's mentees, a company's mentors) if asked."""

import json
from collections.abc import Collection
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from projections.database import ViewDatabase
from projections.tables import binome_results, persons
from projections.timestamps import from_text

_MOMENTS = ("proposed_at", "started_at", "exit_at", "completed_at")
_COLUMNS = ("binome_id", "programme_id", *_MOMENTS, "exit_kind", "outcome", "stopped_by", "meetings",
            "months_checked", "months_met", "contacts_on_time", "contacts_late")


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
        return [{**row, **{name: from_text(row[name]) for name in _MOMENTS},
                 "contacts_late": len(json.loads(row["contacts_late"] or "{}"))} for row in found]

    def of_year(self, year: int, programme_id: str | None,
                programme_ids: Collection[str] | None) -> list[dict[str, Any]]:
        """The binômes whose period began or that ended in `year`, each with its mentor's and its mentee's profile
        and organisation (as they stand)."""
        r = binome_results.c
        mentor, mentee = aliased(persons), aliased(persons)
        start, end = f"{year:04d}-", f"{year + 1:04d}-"
        query = select(r.binome_id, r.programme_id, r.mentor_id, r.mentee_id, r.started_at, r.exit_at, r.exit_kind,
                       r.outcome, mentor.c.profile.label("mentor_profile"),
                       mentor.c.organisation_id.label("mentor_organisation_id"),
                       mentee.c.profile.label("mentee_profile"),
                       mentee.c.organisation_id.label("mentee_organisation_id")) \
            .outerjoin(mentor, mentor.c.person_id == r.mentor_id).outerjoin(mentee, mentee.c.person_id == r.mentee_id) \
            .where(or_(and_(r.started_at >= start, r.started_at < end), and_(r.exit_at >= start, r.exit_at < end)))
        if programme_id is not None:
            query = query.where(r.programme_id == programme_id)
        if programme_ids is not None:
            query = query.where(r.programme_id.in_(sorted(programme_ids)))
        with self._db.read() as conn:
            found = conn.execute(query.order_by(r.started_at, r.binome_id)).mappings().all()
        return [{**row, "started_at": from_text(row["started_at"]), "exit_at": from_text(row["exit_at"]),
                 "mentor_profile": json.loads(row["mentor_profile"] or "{}"),
                 "mentee_profile": json.loads(row["mentee_profile"] or "{}")} for row in found]
