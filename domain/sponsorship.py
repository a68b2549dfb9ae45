"""The skills-sponsorship (*mécénat de compétences*) report: the hours a partner company's employees gave the
programme in a period — sessions, interviews and training on their journey, then the first meeting, the meetings
and the closure meeting of their binômes, at their recorded durations — valued at the hourly cost of the
company's agreement in force on each day. Hours given before any agreement, or under one that does not let
employees mentor in working time (their own time, not the company's), are counted and reported as not valued. A closure meeting records no duration: it counts its programme's meeting duration.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from domain.organisations import OrganisationState

# Fact type -> the activity it counts as; in the report's order.
ACTIVITY_OF = {
    "InformationSessionAttended": "information_session", "PreparationInterviewHeld": "preparation_interview",
    "TrainingAttended": "training", "CommunityMeetingAttended": "community_meeting", "FirstMeetingHeld": "first_meeting", "MeetingHeld": "meeting",
    "ClosureMeetingHeld": "closure_meeting",
}
ACTIVITIES = tuple(ACTIVITY_OF.values())
# On a person's stream, the mentor's own steps (a mentee's presentation and interview are not a company's hours).
MENTOR_STEP_FACTS = frozenset(("InformationSessionAttended", "PreparationInterviewHeld", "TrainingAttended",
                               "CommunityMeetingAttended"))


@dataclass(frozen=True)
class Entry:
    """Time one mentor gave, once."""

    person_id: str
    activity: str
    occurred_at: datetime
    minutes: int


@dataclass
class EmployeeLine:
    person_id: str
    name: str
    minutes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ACTIVITIES, 0))
    # Minutes × hourly cost in cents, summed (exact); the value is rounded once, per line.
    cent_minutes: int = 0
    unvalued_minutes: int = 0

    @property
    def total_minutes(self) -> int:
        return sum(self.minutes.values())

    @property
    def value_cents(self) -> int:
        return (self.cent_minutes + 30) // 60  # to the nearest cent, half up


@dataclass(frozen=True)
class Report:
    organisation_id: str
    name: str
    period_from: date
    period_to: date
    lines: list[EmployeeLine]

    @property
    def total_minutes(self) -> int:
        return sum(line.total_minutes for line in self.lines)

    @property
    def total_value_cents(self) -> int:
        # The sum of the lines, so the columns add up in the company's own accounts.
        return sum(line.value_cents for line in self.lines)

    @property
    def unvalued_minutes(self) -> int:
        return sum(line.unvalued_minutes for line in self.lines)


def report(company: OrganisationState, employees: dict[str, str], entries: Iterable[Entry], period_from: date,
           period_to: date) -> Report:
    """`employees`: person id -> name, every mentor the company employs (with or without hours); `entries`: their
    time, of any date (those outside the period, both days included, are left out)."""
    lines = {person_id: EmployeeLine(person_id, name) for person_id, name in employees.items()}
    for entry in entries:
        line = lines.get(entry.person_id)
        day = entry.occurred_at.date()
        if line is None or not period_from <= day <= period_to:
            continue
        line.minutes[entry.activity] += entry.minutes
        agreement = company.agreement_on(day)
        if agreement is None or not agreement.working_time:  # given in their own time: not the company's
            line.unvalued_minutes += entry.minutes
        else:
            line.cent_minutes += entry.minutes * agreement.hourly_cost_cents
    ordered = sorted(lines.values(), key=lambda line: (line.name, line.person_id))
    return Report(company.organisation_id, company.name, period_from, period_to, ordered)
