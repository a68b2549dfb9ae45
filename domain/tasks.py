"""Staff tasks: what a binôme's state asks of the programme's staff now, since when, and whether it is overdue.

A task says what to do as a catalogue code (`task.<kind>`, or `task.<kind>_overdue` for the kinds whose wording
changes once overdue) with its params; the edge renders it in the reader's language.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.stages import Stage
from domain.state import BinomeState


TASK_KINDS = ("proposal_expired", "first_meeting_overdue", "cadence_shortfall", "monitoring_contact", "closure_meeting")
# A monitoring contact past its grace period is worded as urgent.
OVERDUE_WORDING = frozenset({"monitoring_contact"})


@dataclass(frozen=True)
class StaffTask:
    task_id: str
    binome_id: str
    kind: str
    since: datetime
    overdue_since: datetime | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def overdue(self) -> bool:
        return self.overdue_since is not None

    @property
    def code(self) -> str:
        # Derived from kind and overdue, so a view stores only the params.
        if self.overdue and self.kind in OVERDUE_WORDING:
            return f"task.{self.kind}_overdue"
        return f"task.{self.kind}"


def proposal_answered(expired: BinomeState, binomes_of_mentee: Iterable[BinomeState]) -> bool:
    """Proposing the mentee again, once the proposal expired, answers its "proposal expired" task."""
    return any(other.binome_id != expired.binome_id and other.mentee_id == expired.mentee_id
               and other.proposed_at is not None and expired.ended_at is not None
               and other.proposed_at >= expired.ended_at
               for other in binomes_of_mentee)


def open_tasks(state: BinomeState, binomes_of_mentee: Iterable[BinomeState] = ()) -> list[StaffTask]:
    """What `state` asks of the staff now; `binomes_of_mentee` (the mentee's other binômes) answer some of it."""
    tasks: list[StaffTask] = []
    b = state.binome_id

    def task(kind: str, key: object, since: datetime, overdue_since: datetime | None = None, **params: Any) -> None:
        tasks.append(StaffTask(f"{b}/{kind}/{key}", b, kind, since, overdue_since, params))

    if state.stage == Stage.PROPOSAL_EXPIRED and not proposal_answered(state, binomes_of_mentee):
        task("proposal_expired", 1, state.ended_at)
    if state.stage == Stage.AWAITING_FIRST_MEETING and state.first_meeting_overdue_at is not None:
        task("first_meeting_overdue", 1, state.first_meeting_due_at, state.first_meeting_overdue_at)
    if state.exit_at is None:
        for shortfall in state.shortfalls:
            if not shortfall.followed_up:
                task("cadence_shortfall", shortfall.month, shortfall.month_end, shortfall.month_end,
                     month=shortfall.month, held=shortfall.held, required=shortfall.required)
        for contact in state.monitoring:
            if contact.recorded_at is None:
                task("monitoring_contact", contact.number, contact.due_at, contact.overdue_at, number=contact.number)
    if state.stage == Stage.CLOSURE_DUE and state.closure_meeting_at is None:
        task("closure_meeting", 1, state.exit_at)
    return tasks
