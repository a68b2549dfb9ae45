"""Reads of the views for the API: binômes with filters and paging, one binôme, staff tasks, persons."""

import json
from dataclasses import dataclass

from domain.state import BinomeState
from domain.tasks import StaffTask
from projections.db import ViewDatabase
from projections.timestamps import from_text


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
    total: int


class Views:
    def __init__(self, db: ViewDatabase):
        self._db = db

    def binomes(self, stage: str | None, overdue: bool | None, mentor_id: str | None, mentee_id: str | None,
                limit: int, offset: int) -> Page:
        where, params = [], []
        for column, value in (("stage", stage), ("mentor_id", mentor_id), ("mentee_id", mentee_id)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if overdue is not None:
            where.append("overdue = ?")
            params.append(int(overdue))
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        with self._db.transaction(write=False) as tx:
            total = tx.one(f"SELECT COUNT(*) AS n FROM binomes {clause}", params)["n"]
            rows = tx.all(
                f"""SELECT binome_id, stage, mentor_id, mentee_id, version, overdue, next_due_at FROM binomes {clause}
                    ORDER BY proposed_at DESC, binome_id LIMIT ? OFFSET ?""", [*params, limit, offset])
        return Page([BinomeRow(**{**row, "overdue": bool(row["overdue"])}) for row in rows], total)

    def binome(self, binome_id: str) -> tuple[BinomeState, list[StaffTask]] | None:
        with self._db.transaction(write=False) as tx:
            row = tx.one("SELECT state FROM binomes WHERE binome_id = ?", (binome_id,))
            if row is None:
                return None
            tasks = tx.all("SELECT * FROM staff_tasks WHERE binome_id = ? ORDER BY since", (binome_id,))
        return BinomeState.from_dict(json.loads(row["state"])), [_task(t) for t in tasks]

    def binome_version(self, binome_id: str) -> int:
        with self._db.transaction(write=False) as tx:
            row = tx.one("SELECT version FROM binomes WHERE binome_id = ?", (binome_id,))
        return row["version"] if row else 0

    def tasks(self, overdue: bool | None, kind: str | None, limit: int, offset: int) -> Page:
        where, params = [], []
        if overdue is not None:
            where.append("overdue_since IS NOT NULL" if overdue else "overdue_since IS NULL")
        if kind is not None:
            where.append("kind = ?")
            params.append(kind)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        with self._db.transaction(write=False) as tx:
            total = tx.one(f"SELECT COUNT(*) AS n FROM staff_tasks {clause}", params)["n"]
            rows = tx.all(f"SELECT * FROM staff_tasks {clause} ORDER BY since, task_id LIMIT ? OFFSET ?",
                          [*params, limit, offset])
        return Page([_task(row) for row in rows], total)

    def person(self, person_id: str) -> dict | None:
        with self._db.transaction(write=False) as tx:
            row = tx.one("SELECT * FROM persons WHERE person_id = ?", (person_id,))
        return _person(row) if row else None

    def persons(self, role: str, limit: int, offset: int) -> Page:
        with self._db.transaction(write=False) as tx:
            total = tx.one("SELECT COUNT(*) AS n FROM persons WHERE role = ?", (role,))["n"]
            rows = tx.all("SELECT * FROM persons WHERE role = ? ORDER BY name, person_id LIMIT ? OFFSET ?",
                          (role, limit, offset))
        return Page([_person(row) for row in rows], total)


def _task(row: dict) -> StaffTask:
    return StaffTask(row["task_id"], row["binome_id"], row["kind"], from_text(row["since"]),
                     from_text(row["overdue_since"]), json.loads(row["params"]))


def _person(row: dict) -> dict:
    return {**row, "languages": json.loads(row["languages"]), "registered_at": from_text(row["registered_at"])}
