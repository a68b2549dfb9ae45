"""What time alone makes happen: expiries, cadence checks, monitoring contacts, the term, the end of evaluation.

`next_deadline` says when the next such fact is due; `due_facts` gives every fact due by `now`,
each dated at its own deadline (not at the moment it is noticed).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.calendar import add_months, iso
from domain.facts import SYSTEM, Fact
from domain.stages import Stage
from domain.state import SIDES, BinomeState, evolve


@dataclass(frozen=True)
class Deadline:
    at: datetime
    fact_type: str
    data: dict[str, Any]


def month_window(state: BinomeState, month: int) -> tuple[datetime, datetime]:
    """Month `month` (1-based) of the mentoring period: [start, end)."""
    return add_months(state.period_start, month - 1), add_months(state.period_start, month)


def meetings_in(state: BinomeState, start: datetime, end: datetime) -> int:
    return sum(1 for held_at in state.meeting_dates if start <= held_at < end)


def _cadence_deadline(state: BinomeState) -> Deadline | None:
    month = state.cadence_months_checked + 1
    if month > state.programme.period_months:
        return None
    start, end = month_window(state, month)
    # Only whole months of the period count: a month cut short by an exit is not checked.
    if state.exit_at is not None and end > state.exit_at:
        return None
    held = meetings_in(state, start, end)
    required = state.programme.min_meetings_per_month
    data = {"month": month, "month_start": iso(start), "month_end": iso(end), "held": held, "required": required}
    return Deadline(end + state.programme.cadence_grace, "CadenceMet" if held >= required else "CadenceShortfall", data)


def _monitoring_deadlines(state: BinomeState) -> list[Deadline]:
    if state.exit_at is not None:
        return []
    programme = state.programme
    deadlines = [
        Deadline(contact.due_at + programme.monitoring_grace, "MonitoringContactOverdue", {"number": contact.number})
        for contact in state.monitoring
        if contact.recorded_at is None and contact.overdue_at is None
    ]
    number = len(state.monitoring) + 1
    due_at = state.period_start + number * programme.monitoring_interval
    if due_at < state.term_at:
        deadlines.append(Deadline(due_at, "MonitoringContactDue", {"number": number, "due_at": iso(due_at)}))
    return deadlines


def pending_deadlines(state: BinomeState) -> list[Deadline]:
    if state.stage == Stage.PROPOSED:
        return [Deadline(state.response_due_at, "ProposalExpired", {"reason": "response_delay_passed"})]
    if state.stage == Stage.AWAITING_FIRST_MEETING and state.first_meeting_overdue_at is None:
        return [Deadline(state.first_meeting_due_at, "FirstMeetingOverdue", {"due_at": iso(state.first_meeting_due_at)})]
    if not state.period_started or state.finished:
        return []
    deadlines = _monitoring_deadlines(state)
    # The last whole month is still checked after the exit, even once the closure meeting is held.
    cadence = _cadence_deadline(state)
    if cadence is not None:
        deadlines.append(cadence)
    if state.exit_at is None:
        deadlines.append(Deadline(state.term_at, "TermReached", {}))
    if state.stage == Stage.EVALUATION:
        missing = [side for side in SIDES if side not in state.evaluations]
        deadlines.append(Deadline(state.evaluation_due_at, "BinomeCompleted",
                                  {"reason": "evaluation_delay_passed", "missing": missing}))
    return deadlines


def next_deadline(state: BinomeState) -> datetime | None:
    deadlines = pending_deadlines(state)
    return min(d.at for d in deadlines) if deadlines else None


def catch_up(state: BinomeState, now: datetime) -> tuple[BinomeState, list[Fact]]:
    """`state` as time has made it by `now`, and the facts that made it so, in order.

    `state` itself is never changed: with something due, a copy is returned; with nothing due (most commands),
    `state` itself, so a command does not pay for a copy it does not need.
    """
    projected = state
    facts: list[Fact] = []
    while True:
        deadlines = [d for d in pending_deadlines(projected) if d.at <= now]
        if not deadlines:
            return projected, facts
        if projected is state:
            projected = state.copy()
        first = min(deadlines, key=lambda d: d.at)
        fact = Fact(first.fact_type, projected.version + 1, first.at, SYSTEM, first.data)
        evolve(projected, fact)
        facts.append(fact)


def due_facts(state: BinomeState, now: datetime) -> list[Fact]:
    """Every fact that time has made due by `now`, in order. Leaves `state` untouched."""
    return catch_up(state, now)[1]
