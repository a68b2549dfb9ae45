"""Staff tasks: what a binôme's state asks of the programme's staff now, since when, and whether it is overdue.

A task says what to do as a catalogue code (`task.<kind>`, or `task.<kind>_overdue` for the kinds whose wording
changes once overdue) with its params; the edge renders it in the reader's language.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from domain.persons import SETTLED_STEPS, STEPS
from domain.programme import Programme
from domain.stages import Stage
from domain.state import BinomeState


# A binôme's tasks; a person's: "journey_stuck" (waiting at one step of the journey before the binôme longer than
# the programme's `journey_step_days`); a session's: "session_attendance" (begun, its attendance not recorded).
BINOME_TASK_KINDS = ("proposal_expired", "suggestions_ready", "first_meeting_overdue", "cadence_shortfall",
                     "monitoring_contact", "closure_meeting")
PERSON_TASK_KINDS = frozenset({"journey_stuck"})
SESSION_TASK_KINDS = frozenset({"session_attendance"})
TASK_KINDS = (*BINOME_TASK_KINDS, "journey_stuck", "session_attendance")
# A proposal that ended without a binôme leaves its mentee to be proposed again, from their next suggestions
# (a refused pair is not suggested again): a new proposal of the mentee answers the task.
ANSWERED_BY_PROPOSAL = {Stage.PROPOSAL_EXPIRED: "proposal_expired", Stage.PROPOSAL_REFUSED: "suggestions_ready"}
# The steps where a person waits on the programme (the next step is the staff's to organise), per role.
WAITING_STEPS = {role: tuple(step for step in steps if step not in SETTLED_STEPS) for role, steps in STEPS.items()}
# A monitoring contact past its grace period is worded as urgent.
OVERDUE_WORDING = frozenset({"monitoring_contact"})


@dataclass(frozen=True)
class StaffTask:
    task_id: str
    # A binôme's task names its binôme; a person's task (PERSON_TASK_KINDS) its person.
    binome_id: str | None
    kind: str
    since: datetime
    overdue_since: datetime | None = None
    params: dict[str, Any] = field(default_factory=dict)
    person_id: str | None = None
    session_id: str | None = None

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
    """Proposing the mentee again, once the proposal expired or was refused, answers its task."""
    return any(other.binome_id != expired.binome_id and other.mentee_id == expired.mentee_id
               and other.proposed_at is not None and expired.ended_at is not None
               and other.proposed_at >= expired.ended_at
               for other in binomes_of_mentee)


def open_tasks(state: BinomeState, binomes_of_mentee: Iterable[BinomeState] = ()) -> list[StaffTask]:
    """What `state` asks of the staff now; `binomes_of_mentee` (the mentee's other binômes) answer some of it."""
    tasks: list[StaffTask] = []
    b = state.binome_id

    def task(kind: str, key: object, since: datetime, overdue_since: datetime | None = None, **params: Any) -> None:
        # A task naming the mentee (to propose again) says who: the view keeps it in its params.
        tasks.append(StaffTask(f"{b}/{kind}/{key}", b, kind, since, overdue_since, params,
                               person_id=params.get("mentee_id")))

    if state.stage in ANSWERED_BY_PROPOSAL and not proposal_answered(state, binomes_of_mentee):
        task(ANSWERED_BY_PROPOSAL[state.stage], 1, state.ended_at, mentee_id=state.mentee_id)
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


def stuck_before(programme: Programme, now: datetime) -> datetime:
    """Who reached a waiting step before this moment, and is still there (not paused), is stuck."""
    return now - timedelta(days=programme.journey_step_days)


def journey_stuck(person_id: str, step: str, step_since: datetime, programme: Programme) -> StaffTask:
    """The task a stuck person gives the staff: organise their next step. It is overdue from the moment the
    programme's delay ran out; the next step recorded (or a pause) answers it."""
    return StaffTask(f"person/{person_id}/stuck/{step}", None, "journey_stuck", step_since,
                     step_since + timedelta(days=programme.journey_step_days),
                     {"step_code": f"step.{step}", "days": programme.journey_step_days},
                     person_id)


def session_attendance(session_id: str, session_kind: str, starts_at: datetime) -> StaffTask:
    """A session that has begun asks for its attendance (which moves its attendees along their journey)."""
    return StaffTask(f"session/{session_id}/attendance", None, "session_attendance", starts_at, None,
                     {"session_code": f"session.{session_kind}", "day": starts_at.date().isoformat()},
                     session_id=session_id)
