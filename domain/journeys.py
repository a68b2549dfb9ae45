"""The journeys before the binôme (steps 1 and 2 of the programme), as commands judged on a person's state.

A mentor: candidate → information session (1 h, collective) → preparation interview (1 h; self-employed people
and company heads may have it together with the information session) → training (½ day) → ready to mentor.
A mentor may pause until a date, or leave. A mentee: applied (referred by an ISP or directly) → collective
presentation (1 h) → selection interview on the programme's template → selected or not, against the two required
criteria and the programme's own, each recorded as met or not.

`decide` gives the facts a command records, or raises why not; the same command again records nothing. The
interviews may record the matching profile at the same time (domain.profiles).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from domain import profiles
from domain.errors import InvalidInput, NotAllowed
from domain.facts import Actor, Fact
from domain.idempotency import already_recorded
from domain.persons import BACKGROUNDS, PersonState
from domain.programme import Programme

# Every programme asks these two of a mentee; it adds its own (Programme.selection_criteria).
REQUIRED_CRITERIA = ("available_full_time", "wants_mentoring")
NOT_SELECTED_REASONS = ("criteria_not_met", "withdrew", "unreachable", "other")
DEPARTURE_REASONS = ("own_choice", "job_change", "unavailable", "programme_decision", "other")
# Default durations, in minutes (a company values its employees' hours: the skills-sponsorship report).
INFORMATION_MINUTES, INTERVIEW_MINUTES, TRAINING_MINUTES, PRESENTATION_MINUTES = 60, 60, 240, 60
COMMUNITY_MEETING_MINUTES = 120
# The interviews' free texts.
MENTOR_INTERVIEW_TEXTS = ("motivations", "professional_path", "expectations", "commitment_limits")
TEXT_LIMIT = 5000
# A moment a little ahead of the server's clock is a clock difference, not the future.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class Judged:
    """What a journey command is judged on."""

    state: PersonState
    payload: dict[str, Any]
    programme: Programme
    occurred_at: datetime


Handler = Callable[[Judged], list[tuple[str, dict[str, Any]]]]


def decide(state: PersonState, name: str, payload: dict[str, Any], programme: Programme, actor: Actor,
           now: datetime, occurred_at: datetime | None, command_id: str, fingerprint: str | None) -> list[Fact]:
    if not state.registered:
        raise NotAllowed("person_not_registered")
    if already_recorded(state.commands, command_id, fingerprint):
        return []
    role, handler = COMMANDS[name]
    if role is not None and state.role != role:
        raise NotAllowed("journey_command_for_other_role", role=role)
    moment = occurred_at or now
    if moment > now + CLOCK_SKEW:
        raise NotAllowed("date_in_future", field="occurred_at")
    new = handler(Judged(state, payload, programme, moment))
    return [Fact(fact_type, state.version + offset, moment, actor, data, command_id, fingerprint)
            for offset, (fact_type, data) in enumerate(new, start=1)]



# --- mentors ------------------------------------------------------------------------------------

def _information_session(judged: Judged) -> list[tuple[str, dict[str, Any]]]:
    _require_step(judged.state, ("candidate",), "information_session")
    return [("InformationSessionAttended", _attendance(judged.payload, INFORMATION_MINUTES))]


def _preparation_interview(judged: Judged) -> list[tuple[str, dict[str, Any]]]:
    state, payload = judged.state, judged.payload
    combined = payload.get("combined_with_information_session", False)
    if combined:
        if state.background not in ("self_employed", "company_head"):
            raise NotAllowed("combined_interview_not_for_employees", backgrounds=", ".join(BACKGROUNDS[1:]))
        _require_step(state, ("candidate",), "preparation_interview")
    else:
        _require_step(state, ("informed",), "preparation_interview")
    data = {name: _text(payload.get(name, ""), name) for name in MENTOR_INTERVIEW_TEXTS}
    data.update(duration_minutes=_minutes(payload, INTERVIEW_MINUTES), combined_with_information_session=combined)
    return [("PreparationInterviewHeld", data), *_profile(judged)]


def _training(judged: Judged) -> list[tuple[str, dict[str, Any]]]:
    _require_step(judged.state, ("interviewed",), "training")
    return [("TrainingAttended", _attendance(judged.payload, TRAINING_MINUTES))]


def _community_meeting(judged: Judged) -> list[tuple[str, dict[str, Any]]]:
    """A mentor's community meeting (step 4 of the programme): no step of the journey, hours their company values."""
    _require_not_departed(judged.state)
    return [("CommunityMeetingAttended", _attendance(judged.payload, COMMUNITY_MEETING_MINUTES))]


def _pause(judged: Judged) -> list[tuple[str, dict[str, Any]]]:
    _require_not_departed(judged.state)
    until = judged.payload["until"]
    if until <= judged.occurred_at:
        raise NotAllowed("pause_end_in_past", field="until")
    return [("MentorPaused", {"until": until.isoformat(), "reason": _text(judged.payload.get("reason", ""),
                                                                            "reason")})]


def _resume(judged: Judged) -> list[tuple[str, dict[str, Any]]]:
    _require_not_departed(judged.state)
    if not judged.state.paused_at(judged.occurred_at):
        raise NotAllowed("mentor_not_paused")
    return [("MentorResumed", {})]


def _departure(judged: Judged) -> list[tuple[str, dict[str, Any]]]:
    state = judged.state
    _require_not_departed(state)
    if state.open_binomes:
        raise NotAllowed("mentor_in_open_binome", binome_id=next(iter(state.open_binomes)))
    reason = _choice(judged.payload.get("reason"), "reason", DEPARTURE_REASONS)
    return [("MentorLeft", {"reason": reason, "note": _text(judged.payload.get("note", ""), "note")})]


# --- mentees ------------------------------------------------------------------------------------

def _presentation(judged: Judged) -> list[tuple[str, dict[str, Any]]]:
    _require_step(judged.state, ("applied",), "presentation")
    return [("PresentationAttended", _attendance(judged.payload, PRESENTATION_MINUTES))]


def _selection_interview(judged: Judged) -> list[tuple[str, dict[str, Any]]]:
    _require_step(judged.state, ("presented",), "selection_interview")
    questions = judged.programme.interview_questions
    answers = judged.payload.get("answers") or {}
    # The programme's template decides (409): the same body may suit another programme.
    for question in answers:
        if question not in questions:
            raise NotAllowed("question_unknown", field=f"answers.{question}")
    for question in questions:
        if not isinstance(answers.get(question), str) or not answers[question].strip():
            raise NotAllowed("answer_required", field=f"answers.{question}")
        _text(answers[question], f"answers.{question}")
    data = {"answers": dict(answers), "duration_minutes": _minutes(judged.payload, INTERVIEW_MINUTES)}
    return [("SelectionInterviewHeld", data), *_profile(judged)]


def _selection_decision(judged: Judged) -> list[tuple[str, dict[str, Any]]]:
    _require_step(judged.state, ("interviewed",), "selection_decision")
    wanted = (*REQUIRED_CRITERIA, *judged.programme.selection_criteria)
    given = judged.payload.get("criteria") or {}
    for criterion in given:
        if criterion not in wanted:
            raise NotAllowed("criterion_unknown", field=f"criteria.{criterion}")
    for criterion in wanted:
        if not isinstance(given.get(criterion), bool):
            raise NotAllowed("criterion_required", field=f"criteria.{criterion}")
    criteria = {criterion: given[criterion] for criterion in wanted}
    unmet = [criterion for criterion, met in criteria.items() if not met]
    if judged.payload.get("selected"):
        if unmet:
            raise NotAllowed("selection_criteria_not_met", criteria=", ".join(unmet))
        return [("MenteeSelected", {"criteria": criteria})]
    if judged.payload.get("reason") is None:
        raise NotAllowed("reason_required", field="reason")
    reason = _choice(judged.payload["reason"], "reason", NOT_SELECTED_REASONS)
    if reason == "criteria_not_met" and not unmet:
        raise NotAllowed("selection_criteria_all_met")
    return [("MenteeNotSelected", {"criteria": criteria, "reason": reason,
                                   "note": _text(judged.payload.get("note", ""), "note")})]


# --- both ---------------------------------------------------------------------------------------

def _profile_change(judged: Judged) -> list[tuple[str, dict[str, Any]]]:
    """The payload is the profile's changes."""
    return [_profile_changed(judged, judged.payload, "")]


def _profile(judged: Judged) -> list[tuple[str, dict[str, Any]]]:
    """The matching profile's changes an interview brings, if any (under `profile`)."""
    changes = judged.payload.get("profile")
    return [_profile_changed(judged, changes, "profile.")] if changes else []


def _profile_changed(judged: Judged, changes: dict[str, Any], prefix: str) -> tuple[str, dict[str, Any]]:
    state = judged.state
    return "MatchingProfileChanged", {"changes": profiles.check_changes(state.role or "", state.profile, changes,
                                                                        judged.occurred_at, prefix)}


def _require_step(state: PersonState, steps: tuple[str, ...], journey_step: str) -> None:
    _require_not_departed(state)
    if state.step not in steps:
        raise NotAllowed("journey_step_not_now", step_code=f"journey.{journey_step}",
                         current_code=f"step.{state.step}")


def _require_not_departed(state: PersonState) -> None:
    if state.step == "departed":
        raise NotAllowed("mentor_departed")


def _attendance(payload: dict[str, Any], default_minutes: int) -> dict[str, Any]:
    return {"duration_minutes": _minutes(payload, default_minutes), "session_id": payload.get("session_id")}


def _minutes(payload: dict[str, Any], default: int) -> int:
    minutes = payload.get("duration_minutes")
    if minutes is None:
        return default
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 600:
        raise InvalidInput("value_out_of_range", field="duration_minutes", min=1, max=600)
    return minutes


def _text(value: Any, field: str) -> str:
    if not isinstance(value, str) or len(value) > TEXT_LIMIT:
        raise InvalidInput("text_over_limit", field=field, max=TEXT_LIMIT)
    return value


def _choice(value: Any, field: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise InvalidInput("code_unknown", field=field, allowed=", ".join(choices))
    return value


# Command name -> (the role it is for, None for both; its handler).
COMMANDS: dict[str, tuple[str | None, Handler]] = {
    "RecordInformationSession": ("mentor", _information_session),
    "RecordPreparationInterview": ("mentor", _preparation_interview),
    "RecordTraining": ("mentor", _training),
    "RecordCommunityMeeting": ("mentor", _community_meeting),
    "PauseMentor": ("mentor", _pause),
    "ResumeMentor": ("mentor", _resume),
    "RecordMentorDeparture": ("mentor", _departure),
    "RecordPresentation": ("mentee", _presentation),
    "RecordSelectionInterview": ("mentee", _selection_interview),
    "DecideSelection": ("mentee", _selection_decision),
    "ChangeMatchingProfile": (None, _profile_change),
}
