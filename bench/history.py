"""A realistic store's worth of facts, decided by the domain as the workflows and services would decide them.

Programmes (created, settings changed now and then), persons (registered, some profiles changed, places taken
and freed on their streams) and binômes with whole lifecycles: most run the six months (meetings every two
weeks, contacts, monitoring contacts, cadence checks, the term, closure, evaluations), some exit early with a
job, some are refused by the mentor, expire unanswered or are refused at validation. The binômes start at
staggered dates over two years, so the log interleaves them in time order as concurrent work commits them.

The facts are appended through `FactStore`, many commands per transaction (the log holds the same facts in
the same order as one transaction per command would; it is built in seconds instead of minutes).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from domain import catalogue, engagements, persons, programmes
from domain.commands import CommandEnvelope
from domain.decide import decide
from domain.engagements import Engagement
from domain.facts import Actor, Fact
from domain.programme import Programme
from domain.schedule import due_facts
from domain.state import BinomeState, evolve
from eventstore import FactStore

STAFF = Actor("staff", "bench")
START = datetime(2024, 1, 8, 9, tzinfo=timezone.utc)
SPREAD = timedelta(days=730)  # binômes start over two years
PROGRAMME_IDS = ("bruxelles", "wallonie", "flandre")
EVALUATION = {"objectives_reached": "Oui, un emploi trouvé.", "relationship": "Très bonne."}


@dataclass
class Step:
    """One commit: facts of one stream (or, for a profile change, the changes to decide when its turn comes)."""

    at: datetime
    stream_id: uuid.UUID
    facts: list[Fact]
    # The places this binôme step takes or frees on its persons' streams (decided in log order, see `commits`).
    engagement: Engagement | None = None
    profile_changes: dict | None = None
    order: int = field(default=0)


def programme_steps(rng: random.Random) -> tuple[list[Step], Callable[[str, datetime], Programme]]:
    """The programmes' facts, and a lookup of a programme's settings as they stood at a moment."""
    steps: list[Step] = []
    timelines: dict[str, list[tuple[datetime, Programme]]] = {}
    for programme_id in PROGRAMME_IDS:
        stream_id = uuid.uuid5(uuid.NAMESPACE_URL, f"bench-programme/{programme_id}")
        state = programmes.ProgrammeState(programme_id)
        at = START - timedelta(days=30)
        facts = programmes.create(state, {"name": f"Mentorat {programme_id}"}, STAFF, at, f"create-{programme_id}",
                                  None)
        timeline = [(at, programmes.evolve(state, facts[0]).programme)]
        steps.append(Step(at, stream_id, facts))
        for change in range(8):  # a settings change about every quarter
            at += timedelta(days=rng.randint(60, 120))
            changes = {"meeting_minutes": rng.choice((60, 75, 90)), "evaluation_days": rng.choice((21, 30, 45))}
            facts = programmes.change_settings(state, changes, STAFF, at, f"change-{programme_id}-{change}", None)
            timeline.append((at, programmes.evolve(state, facts[0]).programme))
            steps.append(Step(at, stream_id, facts))
        timelines[programme_id] = timeline

    def settings_at(programme_id: str, at: datetime) -> Programme:
        return [programme for since, programme in timelines[programme_id] if since <= at][-1]

    return steps, settings_at


def new_id(rng: random.Random) -> uuid.UUID:
    """A random id from the seed: the same store each run."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def person_steps(role: str, programme_id: str, at: datetime, rng: random.Random) -> tuple[uuid.UUID, list[Step]]:
    person_id = new_id(rng)
    person = persons.Person(str(person_id), role, f"{role} {person_id.hex[:8]}", f"{person_id.hex[:8]}@example.org",
                            None, ["fr"], programme_id, step=persons.PROPOSABLE_STEP[role])
    steps = [Step(at, person_id, [persons.register(person, STAFF, at, f"reg-{person_id}", None)])]
    if rng.random() < 0.2:
        steps.append(Step(at + timedelta(days=rng.randint(1, 90)), person_id, [],
                          profile_changes={"phone": f"+32 470 {rng.randint(100000, 999999)}"}))
    return person_id, steps


class BinomeLife:
    """One binôme's commands through the domain: time-driven facts first (as its workflow's timers record them),
    then the command's facts; each batch is one step."""

    def __init__(self, binome_id: uuid.UUID, programme: Programme):
        self.binome_id = binome_id
        self.state = BinomeState(str(binome_id), programme)
        self.steps: list[Step] = []
        self._commands = 0

    def time_passes(self, now: datetime) -> None:
        for fact in due_facts(self.state, now):
            self._record(fact.occurred_at, [fact])

    def command(self, at: datetime, name: str, payload: dict | None = None, actor: Actor = STAFF) -> None:
        self.time_passes(at)
        self._commands += 1
        envelope = CommandEnvelope(name, payload or {}, f"{self.binome_id}/{self._commands}", actor, at, f"fp-{name}")
        self._record(at, decide(self.state, envelope, at))

    def _record(self, at: datetime, facts: list[Fact]) -> None:
        if not facts:
            return
        engagement = engagements.change_for(self.state, facts)
        for fact in facts:
            evolve(self.state, fact)
        self.steps.append(Step(max(at, self.steps[-1].at) if self.steps else at, self.binome_id, facts, engagement))


def binome_steps(rng: random.Random, mentor_id: uuid.UUID, mentee_id: uuid.UUID, programme: Programme,
                 start: datetime) -> list[Step]:
    life = BinomeLife(new_id(rng), programme)
    at = start
    life.command(at, "ProposeMentee", {"mentor_id": str(mentor_id), "mentee_id": str(mentee_id)})
    fate = rng.random()
    if fate < 0.07:  # never answered: expires
        life.time_passes(at + timedelta(days=30))
        return life.steps
    if fate < 0.15:
        life.command(at + timedelta(days=2), "RefuseProposal", {"reason": "Pas disponible"})
        return life.steps
    life.command(at := at + timedelta(days=rng.randint(1, 6)), "AcceptProposal")
    life.command(at := at + timedelta(days=rng.randint(3, 25)), "RecordFirstMeeting",
                 {"mode": "in_person", "checklist": ["expectations", "availability"]})
    if fate < 0.20:
        life.command(at + timedelta(days=1), "RecordValidation",
                     {"side": "mentee", "decision": "refused", "reason": "Pas le bon profil"})
        return life.steps
    for side in ("mentee", "mentor"):
        life.command(at := at + timedelta(days=1), "RecordValidation", {"side": side, "decision": "validated"})
    for party in ("mentor", "mentee", "programme"):
        life.command(at := at + timedelta(days=rng.randint(1, 3)), "SignContract", {"party": party})
    life.command(at := at + timedelta(days=7), "RecordAnalysis", {"strengths": ["réseau"], "weaknesses": ["CV"]})
    life.command(at := at + timedelta(days=2), "AgreeActionPlan", {"actions": [
        {"title": "Refaire le CV", "owner": "mentee", "due_on": None},
        {"title": "Présenter trois contacts", "owner": "mentor", "due_on": None},
    ]})
    _the_period(life, rng, at, positive_exit=fate < 0.30)
    return life.steps


def _the_period(life: BinomeLife, rng: random.Random, at: datetime, positive_exit: bool) -> None:
    """Meetings every two weeks or so, a contact now and then, each monitoring contact answered, until the term
    (or a job found in month three), then closure and evaluations."""
    state = life.state
    exit_at = state.period_start + timedelta(days=80) if positive_exit else state.term_at
    answered = 0
    while (at := at + timedelta(days=rng.randint(10, 16))) < exit_at:
        life.command(at, "RecordMeeting", {"mode": rng.choice(("in_person", "video")), "actions_progressed": ["A1"]})
        if at + timedelta(days=5) >= exit_at:
            continue
        if rng.random() < 0.4:
            life.command(at + timedelta(days=3), "LogContact", {"channel": "phone", "notes": "Point rapide"})
        if rng.random() < 0.2:
            life.command(at + timedelta(days=4), "UpdateAction", {"action_id": rng.choice(("A1", "A2")),
                                                                   "status": "in_progress"})
        if len(state.monitoring) > answered:
            life.command(at + timedelta(days=5), "RecordMonitoringContact", {"outcome": "Le binôme avance bien."})
            answered += 1
    if positive_exit:
        life.command(exit_at, "RecordPositiveExit", {"outcome": "job", "details": "CDI"})
    else:
        life.time_passes(exit_at)  # the term
    life.command(at := exit_at + timedelta(days=rng.randint(3, 10)), "RecordClosureMeeting", {"notes": "Bilan."})
    sides = ("mentor", "mentee") if rng.random() < 0.8 else ("mentor",)
    for side in sides:
        life.command(at := at + timedelta(days=rng.randint(1, 10)), "RecordEvaluation",
                     {"side": side, "answers": EVALUATION, "rating": rng.randint(3, 5)})
    life.time_passes(at + timedelta(days=60))  # the evaluation period ends, if a side never answered


def plan(binomes: int, seed: int) -> list[Step]:
    """Every step of `binomes` binômes (each with its own mentor and mentee), the programmes, in time order."""
    rng = random.Random(seed)
    steps, settings_at = programme_steps(rng)
    for _ in range(binomes):
        start = START + timedelta(seconds=rng.randint(0, int(SPREAD.total_seconds())))
        programme_id = rng.choice(PROGRAMME_IDS)
        mentor_id, mentor_steps = person_steps("mentor", programme_id, start - timedelta(days=rng.randint(1, 60)), rng)
        mentee_id, mentee_steps = person_steps("mentee", programme_id, start - timedelta(days=rng.randint(1, 30)), rng)
        steps += mentor_steps + mentee_steps
        steps += binome_steps(rng, mentor_id, mentee_id, settings_at(programme_id, start), start)
    for order, step in enumerate(steps):
        step.order = order
    # Stable in each stream: a stream's steps were made in its own time order.
    steps.sort(key=lambda step: (step.at, step.order))
    return steps


def commits(steps: list[Step]) -> Iterator[list[tuple[uuid.UUID, Fact]]]:
    """Each step's facts in log order, with the places it takes or frees on the persons' streams, decided on the
    persons' facts so far (as the worker's activity decides them)."""
    people: dict[str, persons.PersonState] = {}

    def person(person_id: str) -> persons.PersonState:
        return people.setdefault(person_id, persons.PersonState(person_id))

    for step in steps:
        facts = step.facts
        if step.profile_changes is not None:
            facts = persons.change_profile(person(str(step.stream_id)), step.profile_changes, STAFF, step.at,
                                           f"profile-{step.stream_id}-{step.at.isoformat()}", None)
        written = [(step.stream_id, fact) for fact in facts]
        if step.engagement is not None:
            mentor, mentee = person(step.engagement.mentor_id), person(step.engagement.mentee_id)
            if step.engagement.change == "join":
                places = engagements.join(step.engagement, mentor, mentee, facts[0].actor)
            else:
                places = engagements.leave(step.engagement, [mentor, mentee])
            written += [(uuid.UUID(person_id), fact) for person_id, fact in places]
        for stream_id, fact in written:
            if catalogue.is_of(fact.type, catalogue.PERSON):
                persons.evolve(person(str(stream_id)), fact)
        yield written


def write(store: FactStore, steps: list[Step], facts_per_transaction: int = 500,
          on_progress: Callable[[int], None] | None = None) -> int:
    """Appends every step's facts in log order, about `facts_per_transaction` facts per transaction."""
    pending: list[tuple[uuid.UUID, Fact]] = []
    written = 0

    def flush() -> None:
        nonlocal written
        (first_stream, first_fact), others = pending[0], pending[1:]
        store.append_with(first_stream, [first_fact], others)
        written += len(pending)
        pending.clear()
        if on_progress:
            on_progress(written)

    for facts in commits(steps):
        pending += facts
        if len(pending) >= facts_per_transaction:
            flush()
    if pending:
        flush()
    return written

