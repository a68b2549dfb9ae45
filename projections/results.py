"""Projection "results": each binôme's row of what the programme's results count — when it started and ended,
how it ended, its meetings, the months that kept the cadence, the monitoring contacts made on time and those that
went late (a contact still within its grace period is neither yet).

The figures themselves (per month, rates, time to exit) are sums over these rows (projections/results_reads.py),
so they are always current and any of them can be rebuilt from the store.
"""

import json

from sqlalchemy import Connection, insert, select, update

from domain import catalogue
from eventstore import RecordedFact
from projections.person_ids import as_streamed
from projections.projection import Batch, Projection
from projections.tables import binome_results
from projections.timestamps import to_text

_EXITS = {"PositiveExitRecorded": "positive", "EarlyStopRecorded": "early_stop", "TermReached": "term"}
_FACTS = frozenset({"MentorshipProposed", "MentorshipStarted", "MeetingHeld", "CadenceMet", "CadenceShortfall",
                    "MonitoringContactOverdue", "MonitoringContactRecorded", "BinomeCompleted", *_EXITS})


class ResultsProjection(Projection):
    name = "results"
    tables = (binome_results,)

    def handles(self, fact_type: str) -> bool:
        return fact_type in _FACTS and catalogue.is_of(fact_type, catalogue.BINOME)

    def batch(self, conn: Connection) -> "ResultsBatch":
        return ResultsBatch(conn)


class ResultsBatch(Batch):
    """One fact at a time, each an insert or an update of its binôme's row."""

    def __init__(self, conn: Connection):
        self._conn = conn

    def apply(self, recorded: RecordedFact) -> None:
        fact, binome_id = recorded.fact, str(recorded.stream_id)
        data = fact.data
        if fact.type == "MentorshipProposed":
            self._conn.execute(insert(binome_results), {
                "binome_id": binome_id, "programme_id": data.get("programme_id") or "default",
                "mentor_id": as_streamed(data["mentor_id"]), "mentee_id": as_streamed(data["mentee_id"]),
                "proposed_at": to_text(fact.occurred_at)})
            return
        row = binome_results.c
        changes: dict = {}
        if fact.type == "MentorshipStarted":
            changes = {"started_at": to_text(fact.occurred_at)}
        elif fact.type in _EXITS:
            changes = {"exit_kind": _EXITS[fact.type], "exit_at": to_text(fact.occurred_at),
                       "outcome": data.get("outcome"), "stopped_by": data.get("by")}
        elif fact.type == "BinomeCompleted":
            changes = {"completed_at": to_text(fact.occurred_at)}
        elif fact.type == "MeetingHeld":
            changes = {"meetings": row.meetings + 1}
        elif fact.type in ("CadenceMet", "CadenceShortfall"):
            changes = {"months_checked": row.months_checked + 1,
                       "months_met": row.months_met + (fact.type == "CadenceMet")}
        elif fact.type == "MonitoringContactOverdue":
            late = {**self._late(binome_id), str(data["number"]): to_text(fact.occurred_at)}
            changes = {"contacts_late": json.dumps(late, sort_keys=True)}
        elif fact.type == "MonitoringContactRecorded" and data.get("number") is not None:
            # On time if it happened before its deadline, even when it was typed in after the deadline passed.
            late = self._late(binome_id)
            deadline = late.pop(str(data["number"]), None)
            if deadline is None or to_text(fact.occurred_at) <= deadline:
                changes = {"contacts_on_time": row.contacts_on_time + 1, "contacts_late": json.dumps(late,
                                                                                                     sort_keys=True)}
        if changes:
            self._conn.execute(update(binome_results).where(row.binome_id == binome_id).values(**changes))

    def _late(self, binome_id: str) -> dict[str, str]:
        late = self._conn.execute(select(binome_results.c.contacts_late).where(
            binome_results.c.binome_id == binome_id)).scalar()
        return json.loads(late or "{}")

    def flush(self) -> None:
        pass
