"""Given / When / Then for the binôme's rules, run the way the workflow runs them.

`given(*steps)` folds a history: each step is a command (`command(...)`), a moment time reaches
(`until(...)`) or a fact that happened (`happened(...)`). Before each command, every fact that time has
made due by the command's moment is recorded first, as the workflow does.

`when(state, name, payload, at=...)` judges one command on (a copy of) that state, caught up to `at`;
`when_time_passes(state, now)` gives what time alone makes happen. Both return a `Result`, read with
`then_facts(result, ...)` or `then_refused(result, ...)`.
"""

import itertools
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import i18n
from domain.commands import CommandEnvelope
from domain.decide import decide
from domain.errors import DomainError
from domain.facts import Actor, Fact
from domain.programme import Programme
from domain.schedule import catch_up, due_facts
from domain.state import BinomeState, evolve

STAFF = Actor("staff", "claire")
MENTOR = Actor("mentor", "mentor-1")
MENTEE = Actor("mentee", "mentee-1")
BINOME_ID = "binome-1"


def utc(year: int, month: int, day: int, hour: int = 10, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# The usual history, one date per step (2025, all in UTC).
PROPOSED_AT = utc(2025, 1, 6, 9)
RESPONSE_DUE_AT = PROPOSED_AT + timedelta(days=7)
ACCEPTED_AT = utc(2025, 1, 8, 9)
FIRST_MEETING_DUE_AT = ACCEPTED_AT + timedelta(days=21)
FIRST_MEETING_AT = utc(2025, 1, 15, 14)
MENTEE_VALIDATED_AT = utc(2025, 1, 16, 9)
MENTOR_VALIDATED_AT = utc(2025, 1, 17, 9)
MENTOR_SIGNED_AT = utc(2025, 1, 28)
MENTEE_SIGNED_AT = utc(2025, 1, 30)
START = utc(2025, 2, 3)  # the programme signs last: the period starts here
TERM = utc(2025, 8, 3)  # START + 6 months
ANALYSED_AT = utc(2025, 2, 4)
PLAN_AT = utc(2025, 2, 5)


def month_start(month: int) -> datetime:
    """First moment of month `month` (1-based) of the usual period: the 3rd, at 10:00."""
    return utc(2025, 1 + month, 3)


# --- steps ----------------------------------------------------------------------------------------

_command_ids = itertools.count(1)


@dataclass(frozen=True)
class Command:
    name: str
    payload: dict[str, Any]
    at: datetime  # when the service receives it ("now")
    actor: Actor = STAFF
    occurred_at: datetime | None = None  # when it happened, if entered late
    command_id: str | None = None
    fingerprint: str | None = None

    def envelope(self) -> CommandEnvelope:
        return CommandEnvelope(
            name=self.name,
            payload=self.payload,
            command_id=self.command_id or f"cmd-{next(_command_ids)}",
            actor=self.actor,
            occurred_at=self.occurred_at,
            fingerprint=self.fingerprint or fingerprint(self.name, self.payload, self.occurred_at),
        )


@dataclass(frozen=True)
class Until:
    now: datetime


@dataclass(frozen=True)
class Happened:
    type: str
    at: datetime
    data: dict[str, Any] = field(default_factory=dict)
    actor: Actor = STAFF


def fingerprint(name: str, payload: dict[str, Any], occurred_at: datetime | None = None) -> str:
    body = json.dumps({"payload": payload, "occurred_at": occurred_at}, sort_keys=True, default=str)
    return f"{name}:{body}"


def command(name: str, payload: dict[str, Any] | None = None, *, at: datetime, actor: Actor = STAFF,
            occurred_at: datetime | None = None, command_id: str | None = None,
            fingerprint: str | None = None) -> Command:
    return Command(name, payload or {}, at, actor, occurred_at, command_id, fingerprint)


def until(now: datetime) -> Until:
    return Until(now)


def happened(fact_type: str, at: datetime, actor: Actor = STAFF, **data: Any) -> Happened:
    return Happened(fact_type, at, data, actor)


def _apply(state: BinomeState, facts: list[Fact], into: list[Fact] | None = None) -> None:
    for fact in facts:
        evolve(state, fact)
    if into is not None:
        into.extend(facts)


def history(*steps: Command | Until | Happened, programme: Programme | None = None,
            binome_id: str = BINOME_ID) -> tuple[BinomeState, list[Fact]]:
    """The state these steps lead to, and every fact they recorded, in order."""
    state = BinomeState(binome_id, programme or Programme())
    facts: list[Fact] = []
    for step in steps:
        if isinstance(step, Until):
            _apply(state, due_facts(state, step.now), facts)
        elif isinstance(step, Happened):
            _apply(state, [Fact(step.type, state.version + 1, step.at, step.actor, step.data)], facts)
        else:
            _apply(state, due_facts(state, step.at), facts)
            _apply(state, decide(state, step.envelope(), step.at), facts)
    return state, facts


def given(*steps: Command | Until | Happened, programme: Programme | None = None,
          binome_id: str = BINOME_ID) -> BinomeState:
    return history(*steps, programme=programme, binome_id=binome_id)[0]


# --- when / then ----------------------------------------------------------------------------------


@dataclass
class Result:
    state: BinomeState  # after time caught up and the new facts were applied (a copy)
    facts: list[Fact]  # what the command (or time) produced
    elapsed: list[Fact]  # what time produced before the command was judged
    error: DomainError | None = None


def when(state: BinomeState, name: str, payload: dict[str, Any] | None = None, *, at: datetime,
         actor: Actor = STAFF, occurred_at: datetime | None = None, command_id: str | None = None,
         fingerprint: str | None = None) -> Result:
    # A copy, so the given state stays as it was (catch_up copies only when time made something due).
    after, elapsed = catch_up(state.copy(), at)
    envelope = command(name, payload, at=at, actor=actor, occurred_at=occurred_at, command_id=command_id,
                       fingerprint=fingerprint).envelope()
    try:
        facts = decide(after, envelope, at)
    except DomainError as error:
        return Result(after, [], elapsed, error)
    _apply(after, facts)
    return Result(after, facts, elapsed)


def when_time_passes(state: BinomeState, now: datetime) -> Result:
    after, facts = catch_up(state.copy(), now)
    return Result(after, facts, [])


Expected = str | tuple[str, dict[str, Any]]


def then_facts(result: Result, *expected: Expected) -> list[Fact]:
    """The new facts are exactly these types, in order; a (type, data) pair also checks those data keys."""
    assert result.error is None, f"refused: {type(result.error).__name__}: {result.error}"
    types = [e if isinstance(e, str) else e[0] for e in expected]
    assert [f.type for f in result.facts] == types
    for fact, item in zip(result.facts, expected):
        if isinstance(item, tuple):
            wanted = item[1]
            assert {key: fact.data.get(key) for key in wanted} == wanted, f"{fact.type}: {fact.data}"
    return result.facts


def then_no_facts(result: Result) -> None:
    assert result.error is None, f"refused: {type(result.error).__name__}: {result.error}"
    assert result.facts == []


def then_refused(result: Result, kind: type[DomainError], code: str, *, field: str | None = None,
                 params: dict[str, Any] | None = None) -> DomainError:
    """Refused with this error type and code; `field` and `params`, when given, are exactly the error's.

    Every refusal checked here must also read as a whole sentence in each catalogue language.
    """
    error = result.error
    assert error is not None, f"accepted, giving {[f.type for f in result.facts]}"
    assert type(error) is kind, f"{type(error).__name__}: {error}"
    assert error.code == code, f"{error.code} {error.params}"
    if field is not None:
        assert error.field == field, error.field
    if params is not None:
        assert error.params == params, error.params
    assert_renders(error.code, error.params)
    return error


def assert_renders(code: str, params: dict[str, Any]) -> None:
    """The code has a text in every language and the params fill all of it (codes in params too)."""
    for language in i18n.LANGUAGES:
        text = i18n.catalogue(language).get(code)
        assert text, f"no {language} text for {code}"
        values = i18n.values_for(params, language)
        assert i18n.placeholders(text) <= set(values), f"{code} ({language}) needs {i18n.placeholders(text)}"
        for name, value in params.items():
            if name.endswith("_code"):
                assert i18n.catalogue(language).get(value), f"no {language} text for {value}"


def types_of(facts: list[Fact]) -> list[str]:
    return [f.type for f in facts]


# --- the usual histories --------------------------------------------------------------------------


def proposed() -> list[Command]:
    return [command("ProposeMentee", {"mentor_id": "mentor-1", "mentee_id": "mentee-1"}, at=PROPOSED_AT)]


def accepted() -> list[Command]:
    return [*proposed(), command("AcceptProposal", at=ACCEPTED_AT, actor=MENTOR)]


def first_meeting_held() -> list[Command]:
    return [*accepted(), command("RecordFirstMeeting", {"mode": "in_person", "checklist": ["expectations"]},
                                 at=FIRST_MEETING_AT)]


def validated() -> list[Command]:
    return [
        *first_meeting_held(),
        command("RecordValidation", {"side": "mentee", "decision": "validated"}, at=MENTEE_VALIDATED_AT, actor=MENTEE),
        command("RecordValidation", {"side": "mentor", "decision": "validated"}, at=MENTOR_VALIDATED_AT, actor=MENTOR),
    ]


def started() -> list[Command]:
    return [
        *validated(),
        command("SignContract", {"party": "mentor"}, at=MENTOR_SIGNED_AT, actor=MENTOR),
        command("SignContract", {"party": "mentee"}, at=MENTEE_SIGNED_AT, actor=MENTEE),
        command("SignContract", {"party": "programme"}, at=START),
    ]


def analysed() -> list[Command]:
    return [*started(), command("RecordAnalysis", {"strengths": ["réseau"], "weaknesses": ["CV"]}, at=ANALYSED_AT)]


def active() -> list[Command]:
    return [*analysed(), command("AgreeActionPlan", {"actions": [
        {"title": "Refaire le CV", "owner": "mentee", "due_on": "2025-02-20"},
        {"title": "Présenter trois contacts", "owner": "mentor"},
    ]}, at=PLAN_AT)]


def meeting(held_at: datetime, *, entered_at: datetime | None = None) -> Command:
    """A meeting held at `held_at`, entered then (or later, at `entered_at`)."""
    if entered_at is None:
        return command("RecordMeeting", {"mode": "video"}, at=held_at)
    return command("RecordMeeting", {"mode": "video"}, at=entered_at, occurred_at=held_at)


def regular_meetings(*months: int) -> list[Command]:
    """Two meetings in each of these months of the usual period (its 8th and 15th days)."""
    return [meeting(month_start(m) + timedelta(days=d)) for m in months for d in (5, 12)]


def monitoring_contact(at: datetime, outcome: str = "Tout va bien.") -> Command:
    return command("RecordMonitoringContact", {"outcome": outcome}, at=at)


def answers(**extra: str) -> dict[str, str]:
    return {"objectives_reached": "Oui, un CDI signé.", "relationship": "Très bonne.", **extra}
