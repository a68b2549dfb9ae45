"""Reads of the views for the API: binômes with filters and keyset paging, one binôme, staff tasks, persons."""

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (ColumnElement, Connection, Select, Text, and_, bindparam, cast, func, literal, null, or_, select,
                        union_all)

from domain.programme import Programme
from domain.sessions import CANCELLED
from domain.stages import TERMINAL_STAGES
from domain.state import BinomeState
from domain.tasks import (BINOME_TASK_KINDS, PERSON_TASK_KINDS, SESSION_TASK_KINDS, WAITING_STEPS, StaffTask,
                          journey_stuck, session_attendance, stuck_before)
from projections import stored_states
from projections.database import ViewDatabase
from projections.paging import Key, KeysetOrder, Window, read_page
from domain.sponsorship import Entry
from projections.organisations import agreements_of
from projections.tables import (accounts, binomes, mentor_hours, organisations, partner_feed, personal_data_reads,
                                persons, programmes, session_registrations, sessions, staff_tasks)
from projections.timestamps import from_text, to_text


@dataclass(frozen=True)
class BinomeRow:
    binome_id: str
    stage: str
    mentor_id: str | None
    mentee_id: str | None
    version: int
    overdue: bool
    next_due_at: str | None


@dataclass(frozen=True)
class Page:
    items: list
    total: int | None  # on the first page only (see _first_page_total)
    next_after: Key | None = None  # the last item's sort key when another page follows


@dataclass(frozen=True)
class StuckRule:
    """A programme's rule for stuck persons: who reached a waiting step before `before` (stored text) is stuck."""

    programme: Programme
    before: str
    now: str

    @classmethod
    def of(cls, programme: Programme, now: datetime) -> "StuckRule":
        return cls(programme, to_text(stuck_before(programme, now)), to_text(now))


# Each list's total order, its unique id last (the indexes in tables.py hold these orders).
BINOME_ORDER = KeysetOrder((binomes.c.proposed_at, binomes.c.binome_id), descending=True)  # newest first
PERSON_ORDER = KeysetOrder((persons.c.name, persons.c.person_id))
ACCOUNT_ORDER = KeysetOrder((accounts.c.username, accounts.c.account_id))
ORGANISATION_ORDER = KeysetOrder((organisations.c.name, organisations.c.organisation_id))
SESSION_ORDER = KeysetOrder((sessions.c.starts_at, sessions.c.session_id))  # soonest first
READ_ORDER = KeysetOrder((personal_data_reads.c.read_at, personal_data_reads.c.entry_id), descending=True)

# Built once: a command's answer waits on this one (see BinomeCommands._wait_until_visible).
_VERSION = select(binomes.c.version).where(binomes.c.binome_id == bindparam("binome_id"))
_ROW_FIELDS = ("binome_id", "stage", "mentor_id", "mentee_id", "version", "overdue", "next_due_at")
BINOME_LIST_COLUMNS = [binomes.c[name] for name in (*_ROW_FIELDS, "proposed_at")]  # with its sort key


class Views:
    def __init__(self, db: ViewDatabase):
        self._db = db

    def binomes(self, stage: str | None, overdue: bool | None, mentor_id: str | None, mentee_id: str | None,
                limit: int, *, after: Key | None = None, programme_id: str | None = None,
                programme_ids: Collection[str] | None = None, mentee_organisation_id: str | None = None,
                name: str | None = None) -> Page:
        """`programme_ids` (a scope: None for all) and `mentee_organisation_id` (an ISP's referrals) narrow the
        filters given; `name`: the mentor's or the mentee's name holds it (any case)."""
        conditions = [column == value for column, value in
                      ((binomes.c.stage, stage), (binomes.c.mentor_id, mentor_id), (binomes.c.mentee_id, mentee_id),
                       (binomes.c.programme_id, programme_id))
                      if value is not None]
        if overdue is not None:
            conditions.append(binomes.c.overdue == int(overdue))
        if programme_ids is not None:
            conditions.append(binomes.c.programme_id.in_(sorted(programme_ids)))
        if mentee_organisation_id is not None:
            conditions.append(binomes.c.mentee_id.in_(select(persons.c.person_id).where(
                persons.c.organisation_id == mentee_organisation_id, persons.c.role == "mentee")))
        if name:
            named = select(persons.c.person_id).where(func.lower(persons.c.name).contains(name.lower(),
                                                                                           autoescape=True))
            conditions.append(or_(binomes.c.mentor_id.in_(named), binomes.c.mentee_id.in_(named)))
        query = select(*BINOME_LIST_COLUMNS).where(*conditions)
        with self._db.read() as conn:
            window = read_page(conn, query, BINOME_ORDER, limit, after)
            total = _first_page_total(conn, query, after, window)
        items = [BinomeRow(**{name: row[name] for name in _ROW_FIELDS if name != "overdue"},
                           overdue=bool(row["overdue"])) for row in window.rows]
        return Page(items, total, window.next_after)

    def binome(self, binome_id: str) -> tuple[BinomeState, list[StaffTask]] | None:
        with self._db.read() as conn:
            state = conn.execute(select(binomes.c.state).where(binomes.c.binome_id == binome_id)).scalar()
            if state is None:
                return None
            tasks = conn.execute(select(staff_tasks).where(staff_tasks.c.binome_id == binome_id)
                                 .order_by(staff_tasks.c.since)).mappings().all()
        return stored_states.loaded(state), [_task(t) for t in tasks]

    def open_binome_ids(self) -> list[str]:
        """The binômes not at a stage that ends them."""
        query = select(binomes.c.binome_id).where(binomes.c.stage.not_in(sorted(TERMINAL_STAGES)))
        with self._db.read() as conn:
            return list(conn.execute(query).scalars())

    def stage_counts(self, programme_id: str | None, programme_ids: Collection[str] | None) -> dict[str, int]:
        """How many binômes stand at each stage (in one programme, or in those of a scope: None for all)."""
        query = select(binomes.c.stage, func.count().label("count")).group_by(binomes.c.stage)
        if programme_id is not None:
            query = query.where(binomes.c.programme_id == programme_id)
        if programme_ids is not None:
            query = query.where(binomes.c.programme_id.in_(sorted(programme_ids)))
        with self._db.read() as conn:
            return {row.stage: row.count for row in conn.execute(query)}

    def pairs(self, binome_ids: Collection[str]) -> dict[str, tuple[str | None, str | None]]:
        """Each binôme's mentor and mentee."""
        if not binome_ids:
            return {}
        query = select(binomes.c.binome_id, binomes.c.mentor_id, binomes.c.mentee_id) \
            .where(binomes.c.binome_id.in_(sorted(binome_ids)))
        with self._db.read() as conn:
            return {row.binome_id: (row.mentor_id, row.mentee_id) for row in conn.execute(query)}

    def names(self, person_ids: Collection[str]) -> dict[str, tuple[str, str]]:
        """Each person's name and programme."""
        if not person_ids:
            return {}
        query = select(persons.c.person_id, persons.c.name, persons.c.programme_id) \
            .where(persons.c.person_id.in_(sorted(person_ids)))
        with self._db.read() as conn:
            return {row.person_id: (row.name, row.programme_id) for row in conn.execute(query)}

    def binome_programme(self, binome_id: str) -> str | None:
        with self._db.read() as conn:
            return conn.execute(select(binomes.c.programme_id).where(binomes.c.binome_id == binome_id)).scalar()

    def binome_version(self, binome_id: str) -> int:
        with self._db.read() as conn:
            version = conn.execute(_VERSION, {"binome_id": binome_id}).scalar()
        return version or 0

    def tasks(self, overdue: bool | None, kind: str | None, limit: int, *, after: Key | None = None,
              programme_id: str | None = None, programme_ids: Collection[str] | None = None,
              stuck: Mapping[str, StuckRule] | None = None, now: str | None = None) -> Page:
        """One list, oldest first: the binômes' tasks; the persons stuck in their journey, for the programmes in
        `stuck` (always late: each shows once the programme's delay ran out); the sessions begun before `now`
        whose attendance is not recorded (due, not late)."""
        parts = [part for part in (
            _binome_tasks(overdue, kind) if kind is None or kind in BINOME_TASK_KINDS else None,
            _stuck_tasks(stuck) if stuck and kind in (None, *PERSON_TASK_KINDS) and overdue is not False else None,
            _attendance_tasks(now) if now and kind in (None, *SESSION_TASK_KINDS) and not overdue else None,
        ) if part is not None]
        if not parts:
            return Page([], 0)
        listed = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery("tasks")
        query = select(listed)
        if programme_id is not None:
            query = query.where(listed.c.programme_id == programme_id)
        if programme_ids is not None:
            query = query.where(listed.c.programme_id.in_(sorted(programme_ids)))
        order = KeysetOrder((listed.c.since, listed.c.task_id))
        with self._db.read() as conn:
            window = read_page(conn, query, order, limit, after)
            total = _first_page_total(conn, query, after, window)
        return Page([_task(row, stuck) for row in window.rows], total, window.next_after)

    def person(self, person_id: str) -> dict | None:
        with self._db.read() as conn:
            row = conn.execute(select(persons).where(persons.c.person_id == person_id)).mappings().first()
        return _person(row) if row else None

    def persons(self, role: str, limit: int, *, after: Key | None = None, programme_id: str | None = None,
                programme_ids: Collection[str] | None = None, organisation_id: str | None = None) -> Page:
        query = select(persons).where(persons.c.role == role)
        if programme_id is not None:
            query = query.where(persons.c.programme_id == programme_id)
        if programme_ids is not None:
            query = query.where(persons.c.programme_id.in_(sorted(programme_ids)))
        if organisation_id is not None:
            query = query.where(persons.c.organisation_id == organisation_id)
        with self._db.read() as conn:
            window = read_page(conn, query, PERSON_ORDER, limit, after)
            total = _first_page_total(conn, query, after, window)
        return Page([_person(row) for row in window.rows], total, window.next_after)

    def journey_counts(self, role: str, programme_ids: Collection[str] | None) -> list[dict]:
        """How many persons of `role` stand at each step, per programme, and how many of them are paused at `now`
        (given as stored text)."""
        query = select(persons.c.programme_id, persons.c.step, func.count().label("count")) \
            .where(persons.c.role == role).group_by(persons.c.programme_id, persons.c.step)
        if programme_ids is not None:
            query = query.where(persons.c.programme_id.in_(sorted(programme_ids)))
        with self._db.read() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    def paused_count(self, role: str, programme_id: str, now: str) -> int:
        query = select(func.count()).where(persons.c.role == role, persons.c.programme_id == programme_id,
                                           persons.c.paused_until > now, persons.c.step != "departed")
        with self._db.read() as conn:
            return conn.execute(query).scalar_one()

    def stuck(self, role: str, rule: StuckRule, limit: int) -> list[dict]:
        """Persons of `role` stuck in their journey under the programme's rule, longest first."""
        query = select(persons).where(persons.c.role == role, persons.c.step.in_(WAITING_STEPS[role]),
                                      _stuck_in(rule)) \
            .order_by(persons.c.step_since, persons.c.person_id).limit(limit)
        with self._db.read() as conn:
            return [_person(row) for row in conn.execute(query).mappings()]

    def organisation(self, organisation_id: str) -> dict | None:
        with self._db.read() as conn:
            row = conn.execute(select(organisations).where(
                organisations.c.organisation_id == organisation_id)).mappings().first()
        return _organisation(row) if row else None

    def organisations(self, kind: str | None, limit: int, *, after: Key | None = None) -> Page:
        query = select(organisations) if kind is None else select(organisations).where(organisations.c.kind == kind)
        with self._db.read() as conn:
            window = read_page(conn, query, ORGANISATION_ORDER, limit, after)
            total = _first_page_total(conn, query, after, window)
        return Page([_organisation(row) for row in window.rows], total, window.next_after)

    def company_hours(self, organisation_id: str,
                      programme_ids: Collection[str] | None) -> tuple[dict[str, str], list[Entry]]:
        """The mentors the company employs now or gave hours while it employed them (person id -> name; in these
        programmes, None: all), and the hours they gave while it employed them."""
        given = select(mentor_hours.c.mentor_id).where(mentor_hours.c.organisation_id == organisation_id)
        query = select(persons.c.person_id, persons.c.name).where(
            persons.c.role == "mentor",
            (persons.c.organisation_id == organisation_id) | persons.c.person_id.in_(given))
        if programme_ids is not None:
            query = query.where(persons.c.programme_id.in_(sorted(programme_ids)))
        with self._db.read() as conn:
            employees = {row.person_id: row.name for row in conn.execute(query)}
            rows = conn.execute(select(mentor_hours).where(mentor_hours.c.organisation_id == organisation_id))
            entries = [Entry(row.mentor_id, row.activity, from_text(row.occurred_at), row.minutes) for row in rows
                       if row.mentor_id in employees]
        return employees, entries

    def partner_feed(self, organisation_id: str, after: int, limit: int) -> list[dict]:
        """The ISP's events after log position `after`, in log order."""
        query = select(partner_feed).where(partner_feed.c.organisation_id == organisation_id,
                                           partner_feed.c.position > after) \
            .order_by(partner_feed.c.position, partner_feed.c.entry_id).limit(limit)
        with self._db.read() as conn:
            return [{**row, "detail": json.loads(row["detail"]), "occurred_at": from_text(row["occurred_at"])}
                    for row in conn.execute(query).mappings()]

    def session(self, session_id: str) -> dict | None:
        """A session and its registrations (with the person's name), in the order they registered."""
        with self._db.read() as conn:
            row = conn.execute(select(sessions).where(sessions.c.session_id == session_id)).mappings().first()
            if row is None:
                return None
            registrations = conn.execute(
                select(session_registrations, persons.c.name)
                .join(persons, persons.c.person_id == session_registrations.c.person_id, isouter=True)
                .where(session_registrations.c.session_id == session_id)
                .order_by(session_registrations.c.registered_position)).mappings().all()
        return {**_session(row), "registrations": [_registration(r) for r in registrations]}

    def sessions(self, limit: int, *, after: Key | None = None, programme_id: str | None = None,
                 programme_ids: Collection[str] | None = None, kind: str | None = None,
                 starting_from: str | None = None, person_id: str | None = None) -> Page:
        """`person_id`: only the sessions this person is registered for (a seat or the waiting list)."""
        query = select(sessions)
        if person_id is not None:
            query = query.where(sessions.c.session_id.in_(select(session_registrations.c.session_id).where(
                session_registrations.c.person_id == person_id, session_registrations.c.status != CANCELLED)))
        if programme_id is not None:
            query = query.where(sessions.c.programme_id == programme_id)
        if programme_ids is not None:
            query = query.where(sessions.c.programme_id.in_(sorted(programme_ids)))
        if kind is not None:
            query = query.where(sessions.c.kind == kind)
        if starting_from is not None:
            query = query.where(sessions.c.starts_at >= starting_from)
        with self._db.read() as conn:
            window = read_page(conn, query, SESSION_ORDER, limit, after)
            total = _first_page_total(conn, query, after, window)
        return Page([_session(row) for row in window.rows], total, window.next_after)

    def account(self, account_id: str) -> dict | None:
        with self._db.read() as conn:
            row = conn.execute(select(accounts).where(accounts.c.account_id == account_id)).mappings().first()
        return _account(row) if row else None

    def accounts(self, limit: int, *, after: Key | None = None) -> Page:
        with self._db.read() as conn:
            window = read_page(conn, select(accounts), ACCOUNT_ORDER, limit, after)
            total = _first_page_total(conn, select(accounts), after, window)
        return Page([_account(row) for row in window.rows], total, window.next_after)

    def personal_data_reads(self, person_id: str | None, reader: str | None, limit: int, *,
                            after: Key | None = None) -> Page:
        """Newest first."""
        conditions = [column == value for column, value in ((personal_data_reads.c.person_id, person_id),
                                                            (personal_data_reads.c.reader, reader))
                      if value is not None]
        query = select(personal_data_reads).where(*conditions)
        with self._db.read() as conn:
            window = read_page(conn, query, READ_ORDER, limit, after)
            total = _first_page_total(conn, query, after, window)
        return Page([{**row, "read_at": from_text(row["read_at"])} for row in window.rows], total,
                    window.next_after)

    def programmes(self) -> list[dict]:
        with self._db.read() as conn:
            rows = conn.execute(select(programmes).order_by(programmes.c.programme_id)).mappings().all()
        return [_programme(row) for row in rows]

    def programme(self, programme_id: str) -> dict | None:
        with self._db.read() as conn:
            row = conn.execute(select(programmes).where(programmes.c.programme_id == programme_id)).mappings().first()
        return _programme(row) if row else None


def _programme(row) -> dict:
    return {"programme_id": row["programme_id"], "name": row["name"], "settings": json.loads(row["settings"]),
            "version": row["version"], "created_at": from_text(row["created_at"])}


def _first_page_total(conn: Connection, query: Select, after: Key | None, window: Window) -> int | None:
    """How many rows the filters select, on the first page only. A count reads every selected row (through the
    filter's index), so on every page it would bring back the cost that keyset paging takes away from deep pages;
    a client shows it once ("1 234 binômes") and walks the pages by their cursors alone."""
    if after is not None:
        return None
    if window.next_after is None:  # the whole list is on this page
        return len(window.rows)
    return conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()


def _organisation(row) -> dict:
    return {"organisation_id": row["organisation_id"], "kind": row["kind"], "name": row["name"],
            "agreements": agreements_of(row), "registered_at": from_text(row["registered_at"]),
            "version": row["version"]}


def _session(row) -> dict:
    return {**row, "starts_at": from_text(row["starts_at"]), "scheduled_at": from_text(row["scheduled_at"])}


def _registration(row) -> dict:
    attended = row["attended"]
    return {**row, "registered_at": from_text(row["registered_at"]),
            "attended": None if attended is None else bool(attended)}


def _account(row) -> dict:
    return {**row, "programmes": json.loads(row["programmes"]), "must_change_password": bool(row["must_change_password"]),
            "disabled": bool(row["disabled"]), "created_at": from_text(row["created_at"])}


_NO_TEXT = cast(null(), Text)


def _binome_tasks(overdue: bool | None, kind: str | None) -> Select:
    query = select(staff_tasks.c.task_id, staff_tasks.c.binome_id, _NO_TEXT.label("person_id"),
                   _NO_TEXT.label("session_id"), staff_tasks.c.programme_id, staff_tasks.c.kind, staff_tasks.c.params,
                   staff_tasks.c.since, staff_tasks.c.overdue_since, _NO_TEXT.label("subject"))
    if overdue is not None:
        query = query.where(staff_tasks.c.overdue_since.is_not(None) if overdue
                            else staff_tasks.c.overdue_since.is_(None))
    return query.where(staff_tasks.c.kind == kind) if kind is not None else query


def _attendance_tasks(now: str) -> Select:
    """Sessions begun before `now` without their attendance, as task rows (the subject: the session's kind)."""
    task_id = literal("session/") + sessions.c.session_id + literal("/attendance")
    return select(task_id.label("task_id"), _NO_TEXT.label("binome_id"), _NO_TEXT.label("person_id"),
                  sessions.c.session_id, sessions.c.programme_id, literal("session_attendance").label("kind"),
                  _NO_TEXT.label("params"), sessions.c.starts_at.label("since"), _NO_TEXT.label("overdue_since"),
                  sessions.c.kind.label("subject")).where(sessions.c.starts_at <= now, sessions.c.attended.is_(None))


def _stuck_tasks(stuck: Mapping[str, StuckRule]) -> Select:
    """Persons at a waiting step since before their programme's moment, not paused now, as task rows."""
    waiting = sorted({step for steps in WAITING_STEPS.values() for step in steps})
    in_programme = or_(*(_stuck_in(rule) for _, rule in sorted(stuck.items())))
    task_id = literal("person/") + persons.c.person_id + literal("/stuck/") + persons.c.step
    return select(task_id.label("task_id"), _NO_TEXT.label("binome_id"), persons.c.person_id,
                  _NO_TEXT.label("session_id"), persons.c.programme_id, literal("journey_stuck").label("kind"),
                  _NO_TEXT.label("params"), persons.c.step_since.label("since"),
                  persons.c.step_since.label("overdue_since"), persons.c.step.label("subject")).where(
        persons.c.step.in_(waiting), in_programme)


def _stuck_in(rule: StuckRule) -> ColumnElement[bool]:
    """In the rule's programme, at the step since before its moment, not paused now (a pause is no wait)."""
    return and_(persons.c.programme_id == rule.programme.id, persons.c.step_since < rule.before,
                or_(persons.c.paused_until.is_(None), persons.c.paused_until <= rule.now))


def _task(row, stuck: Mapping[str, StuckRule] | None = None) -> StaffTask:
    if row["kind"] in PERSON_TASK_KINDS:
        return journey_stuck(row["person_id"], row["subject"], from_text(row["since"]),
                             (stuck or {})[row["programme_id"]].programme)
    if row["kind"] in SESSION_TASK_KINDS:
        return session_attendance(row["session_id"], row["subject"], from_text(row["since"]))
    params = json.loads(row["params"])
    return StaffTask(row["task_id"], row["binome_id"], row["kind"], from_text(row["since"]),
                     from_text(row["overdue_since"]), params, person_id=params.get("mentee_id"))


def _person(row) -> dict:
    return {**row, "languages": json.loads(row["languages"]), "registered_at": from_text(row["registered_at"]),
            "step_since": from_text(row["step_since"]), "paused_until": from_text(row["paused_until"]),
            "profile": json.loads(row["profile"])}
