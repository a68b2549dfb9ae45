"""`mentorat demo`: fills an empty installation with a fictional programme and ten months of its life, through
the real services (the same rules, the same facts, the same read log), so a newcomer sees a living application.

Companies and ISPs sign their agreements; mentors and mentees go through their journeys; waiting mentees are
proposed their best suggestion; binômes meet, miss a month, get their monitoring contacts, end in a job, a
training or an early stop, close and are evaluated — each at its moment of the story (application.clock), the
binômes' workflows run here meanwhile (mentorat.local_binomes). The story ends today: the binômes still open get
their Temporal workflows when the service starts (application.resumption), and go on from there.
"""

import asyncio
import heapq
import itertools
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from uuid import UUID

from application import clock
from application.services import Services
from domain.accounts import Scope
from domain.errors import DomainError
from domain.organisations import Agreement
from domain.principals import Principal, Role
from domain.stages import Stage
from mentorat.local_binomes import LocalBinomes

DEMO_PASSWORD = "demo-mentorat-2026"
PROGRAMME = "default"
STORY_MONTHS = 10
FIRST_NAMES = ("Amina", "Bart", "Chloé", "Dries", "Elif", "Fatou", "Gilles", "Hanne", "Ilias", "Julie", "Karim",
               "Lotte", "Mehdi", "Nora", "Olivier", "Pieter", "Rania", "Sofia", "Thomas", "Yasmine", "Zoé", "Anouk",
               "Bilal", "Céline", "David", "Esra", "Farid", "Greet", "Hugo", "Inès", "Jonas", "Kenza", "Lucas")
LAST_NAMES = ("Peeters", "Janssens", "El Idrissi", "Dubois", "Maes", "Yilmaz", "Lambert", "Diallo", "Claes",
              "Benali", "Wouters", "Martin", "Mertens", "Kabongo", "Leclercq", "Vermeulen", "Haddad", "Dupont")
COMPANIES = (("logistix", "Logistix Brussels"), ("bruxelec", "BruxElec"), ("horta-bank", "Banque Horta"),
             ("iris-care", "Cliniques Iris"), ("sablon-studio", "Atelier du Sablon"), ("meuse-transport",
                                                                                        "Transports Meuse"))
ISPS = (("actiris-schaerbeek", "Actiris Schaerbeek"), ("mission-molenbeek", "Mission locale de Molenbeek"),
        ("cpas-forest", "CPAS de Forest"), ("vdab-brussel", "VDAB Brussel"))
SECTORS = ("H", "G", "Q", "C", "J", "K", "F", "N", "I")
MUNICIPALITIES = tuple(f"210{n:02d}" for n in range(1, 20))
LANGUAGES = (("fr",), ("fr", "nl"), ("nl",), ("fr", "en"), ("fr", "ar"), ("nl", "fr", "en"))
OUTCOMES = ("job",) * 5 + ("training",) * 2 + ("internship", "business_creation", "return_to_studies")


@dataclass(order=True)
class _Event:
    at: datetime
    order: int
    act: Callable[[], Awaitable[None]] = field(compare=False)


@dataclass
class Filled:
    """What the demo made, for its closing lines."""
    organisations: int = 0
    mentors: int = 0
    mentees: int = 0
    binomes: int = 0
    refused: int = 0
    accounts: list[tuple[str, str]] = field(default_factory=list)


class Story:
    def __init__(self, services: Services, local: LocalBinomes, catch_up: Callable[[], object], staff: Principal,
                 seed: int, today: datetime, progress: Callable[[str], None]):
        self.services, self.local, self.staff = services, local, staff
        # The views follow the store: matching reads them, so they catch up before each proposal.
        self.catch_up = catch_up
        self.rng = random.Random(seed)
        self.today = today
        self.start = today - timedelta(days=30 * STORY_MONTHS)
        self.progress = progress
        self._events: list[_Event] = []
        self._order = itertools.count()
        self.filled = Filled()
        self.active: dict[str, tuple[str, str]] = {}  # binôme -> (mentor, mentee), while it runs

    # --- the calendar -----------------------------------------------------------------------------------

    def at(self, moment: datetime, act: Callable[[], Awaitable[None]]) -> None:
        if moment < self.today:
            heapq.heappush(self._events, _Event(moment, next(self._order), act))

    def later(self, days_from: float, days_to: float, act: Callable[[], Awaitable[None]]) -> None:
        self.at(clock.now() + timedelta(days=self.rng.uniform(days_from, days_to)), act)

    async def run(self) -> None:
        done = 0
        while self._events:
            event = heapq.heappop(self._events)
            with clock.at(event.at):
                await self.local.advance()
                try:
                    await event.act()
                except DomainError as refused:  # a rule said no (a mentor full, a date): the story goes on
                    self.filled.refused += 1
                    self.progress(f"  ({event.at:%Y-%m-%d} refusé : {refused.code})")
            done += 1
            if done % 500 == 0:
                self.progress(f"  {done} événements, le {event.at:%Y-%m-%d}")
        with clock.at(self.today):
            await self.local.advance()

    # --- the partners and the people ----------------------------------------------------------------------

    async def partners(self) -> None:
        organisations = self.services.organisations
        for (organisation_id, name), kind in [*((c, "company") for c in COMPANIES), *((i, "isp") for i in ISPS)]:
            await organisations.register(organisation_id, kind, name, self.staff, f"demo-{organisation_id}")
            if kind == "company":  # its skills sponsorship: mentoring in working time, valued at its hourly cost
                signed = (clock.now() - timedelta(days=self.rng.randint(30, 400))).date()
                await organisations.sign_agreement(organisation_id, Agreement(
                    signed, f"Direction de {name}", True, self.rng.choice((3800, 4500, 5200, 6100))),
                    self.staff, f"demo-{organisation_id}-agreement")
            self.filled.organisations += 1

    def _name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def _profile(self, role: str) -> dict:
        born = date(self.rng.randint(1962 if role == "mentor" else 1968, 1995 if role == "mentor" else 2004),
                    self.rng.randint(1, 12), self.rng.randint(1, 28))
        profile = {"sectors": self.rng.sample(SECTORS, self.rng.randint(1, 2)),
                   "language_levels": {lang: self.rng.choice(("B2", "C1", "native"))
                                       for lang in self.rng.choice(LANGUAGES)},
                   "meeting_mode": self.rng.choice(("in_person", "either", "either", "video")),
                   "municipality": self.rng.choice(MUNICIPALITIES), "birth_date": born.isoformat(),
                   "gender": self.rng.choice(("female", "male", "female", "male", "non_binary", "undisclosed")),
                   "education_level": self.rng.randint(1, 7)}
        if role == "mentee":
            profile["months_out_of_work"] = self.rng.choice((3, 7, 10, 14, 18, 26, 40))
        return profile

    def mentor_joins(self) -> Callable[[], Awaitable[None]]:
        async def joins() -> None:
            persons = self.services.persons
            company = self.rng.choice(COMPANIES)[0] if self.rng.random() < 0.8 else None
            name = self._name()
            person = (await persons.register("mentor", name, _email(name), None, ["fr"], self.staff, None,
                                             PROGRAMME, self.rng.choice((1, 1, 2)), company)).person["person_id"]
            self.filled.mentors += 1
            steps = [("RecordInformationSession", {}),
                     ("RecordPreparationInterview", {"motivations": "Transmettre mon expérience",
                                                     "profile": self._profile("mentor")}),
                     ("RecordTraining", {})]
            self._journey("mentor", person, steps)
        return joins

    def mentee_joins(self) -> Callable[[], Awaitable[None]]:
        async def joins() -> None:
            persons = self.services.persons
            isp = self.rng.choice(ISPS)[0] if self.rng.random() < 0.85 else None
            name = self._name()
            person = (await persons.register("mentee", name, _email(name), None, ["fr"], self.staff, None,
                                             PROGRAMME, None, isp)).person["person_id"]
            self.filled.mentees += 1
            answers = {"situation": "Sans emploi depuis plusieurs mois", "project": "Un emploi stable",
                       "obstacles": "Peu de réseau", "expectations": "Préparer les entretiens",
                       "availability": "En semaine"}
            selected = self.rng.random() < 0.9
            decision = {"criteria": {"available_full_time": True, "wants_mentoring": True,
                                     "professional_project": selected}, "selected": selected}
            if not selected:
                decision["reason"] = "criteria_not_met"
            steps = [("RecordPresentation", {}),
                     ("RecordSelectionInterview", {"answers": answers, "profile": self._profile("mentee")}),
                     ("DecideSelection", decision)]
            self._journey("mentee", person, steps, then=(lambda: self.propose(person)) if selected else None)
        return joins

    def _journey(self, role: str, person: str, steps: list, then: Callable[[], Awaitable[None]] | None = None) -> None:
        """Each step a few days after the one before; `then`, a while after the last."""
        if not steps:
            if then is not None:
                self.later(3, 20, then)
            return
        (name, payload), rest = steps[0], steps[1:]

        async def step() -> None:
            await self.services.persons.command(role, person, name, payload, self.staff, None)
            self._journey(role, person, rest, then)

        self.later(4, 14, step)

    # --- binômes ---------------------------------------------------------------------------------------------

    async def propose(self, mentee: str) -> None:
        """The mentee's best suggestion, proposed as staff would from the matching page."""
        await asyncio.to_thread(self.catch_up)
        found = await self.services.matching.for_mentee(mentee, self.staff, 3)
        if not found.items:  # no mentor free now: try again in a couple of weeks
            self.later(10, 20, lambda: self.propose(mentee))
            return
        mentor = found.items[0][0].person_id
        accepted = await self.services.matching.propose(mentor, mentee, "", self.staff, None)
        self.filled.binomes += 1
        binome = UUID(accepted.binome_id)
        fate = self.rng.random()
        if fate < 0.08:
            self.later(1, 5, lambda: self._send(binome, "RefuseProposal", {"reason": "Pas disponible ce trimestre"},
                                                self._mentor(mentor), then=lambda: self.later(
                                                    5, 15, lambda: self.propose(mentee))))
        elif fate < 0.12:
            self.later(9, 12, lambda: self.propose(mentee))  # no answer: the proposal expires
        else:
            self.later(1, 4, lambda: self._send(binome, "AcceptProposal", {}, self._mentor(mentor),
                                                then=lambda: self._first_meeting(binome, mentor, mentee)))

    def _mentor(self, mentor: str) -> Principal:
        return Principal(Role.MENTOR, f"demo-{mentor}", person_id=mentor)

    async def _send(self, binome: UUID, name: str, payload: dict, who: Principal | None = None, then=None) -> None:
        await self.services.binomes.send(binome, name, payload, who or self.staff, None)
        if then is not None:
            then()

    def _first_meeting(self, binome: UUID, mentor: str, mentee: str) -> None:
        async def met() -> None:
            await self._send(binome, "RecordFirstMeeting", {"mode": "in_person", "checklist": ["expectations",
                                                                                                "availability"]})
            refused = self.rng.random() < 0.04
            await self._send(binome, "RecordValidation", {"side": "mentor", "decision": "validated"})
            await self._send(binome, "RecordValidation", {
                "side": "mentee", "decision": "refused" if refused else "validated",
                **({"reason": "Horaires incompatibles"} if refused else {})})
            if not refused:
                self.later(1, 3, lambda: self._contract(binome, mentor, mentee))
        self.later(3, 10, met)

    async def _contract(self, binome: UUID, mentor: str, mentee: str) -> None:
        for party in ("mentor", "mentee", "programme"):
            await self._send(binome, "SignContract", {"party": party})
        self.active[str(binome)] = (mentor, mentee)
        # The staff call every six weeks; now and then a week late.
        self.later(42, 50, lambda: self._monitoring(binome))

        async def intake() -> None:
            await self._send(binome, "RecordAnalysis", {"strengths": ["Motivation", "Expérience de terrain"],
                                                        "weaknesses": ["CV à revoir", "Peu de réseau"]})
            await self._send(binome, "AgreeActionPlan", {"actions": [
                {"title": "Refaire le CV", "owner": "mentee"},
                {"title": "Présenter deux contacts du secteur", "owner": "mentor"},
                {"title": "Préparer un entretien", "owner": "both"}]})
            self.later(5, 15, lambda: self._meeting(binome, mentor))
            self._plan_exit(binome, mentor, mentee)
        self.later(7, 14, intake)

    async def _meeting(self, binome: UUID, mentor: str) -> None:
        if self._stage(binome) != Stage.ACTIVE:
            return
        if self.rng.random() < 0.85:  # now and then a month with one meeting only
            who = self._mentor(mentor) if self.rng.random() < 0.5 else self.staff
            await self._send(binome, "RecordMeeting", {"mode": self.rng.choice(("in_person", "video")),
                                                       "duration_minutes": self.rng.choice((60, 90))}, who)
        self.later(9, 17, lambda: self._meeting(binome, mentor))

    async def _monitoring(self, binome: UUID) -> None:
        state = self.local.state(str(binome))
        if state is None or state.finished or state.exit_at is not None:
            return
        if any(contact.recorded_at is None for contact in state.monitoring):
            await self._send(binome, "RecordMonitoringContact", {
                "channel": self.rng.choice(("phone", "phone", "email")), "outcome": "Le binôme avance bien"})
        self.later(40, 48, lambda: self._monitoring(binome))

    def _plan_exit(self, binome: UUID, mentor: str, mentee: str) -> None:
        fate = self.rng.random()
        if fate < 0.45:
            self.later(50, 170, lambda: self._exit(binome, "RecordPositiveExit", {
                "outcome": self.rng.choice(OUTCOMES), "details": "Contrat signé"}))
        elif fate < 0.6:
            self.later(30, 150, lambda: self._exit(binome, "RecordEarlyStop", {
                "by": self.rng.choice(("mentor", "mentee", "mentee", "staff")), "reason": "Déménagement"}))
        else:  # to the end of the six months, then closure
            self.later(185, 190, lambda: self._close(binome))

    async def _exit(self, binome: UUID, name: str, payload: dict) -> None:
        if self._stage(binome) != Stage.ACTIVE:
            return
        await self._send(binome, name, payload)
        self.later(3, 12, lambda: self._close(binome))

    async def _close(self, binome: UUID) -> None:
        if self._stage(binome) != Stage.CLOSURE_DUE:
            return
        await self._send(binome, "RecordClosureMeeting", {"notes": "Bilan du mentorat"})
        self.active.pop(str(binome), None)
        for side in ("mentor", "mentee"):
            if self.rng.random() < 0.85:
                self.later(1, 12, lambda side=side: self._evaluate(binome, side))

    async def _evaluate(self, binome: UUID, side: str) -> None:
        if self._stage(binome) != Stage.EVALUATION:
            return
        await self._send(binome, "RecordEvaluation", {
            "side": side, "rating": self.rng.choice((3, 4, 4, 5, 5)),
            "answers": {"objectives_reached": "En bonne partie", "recommend": "Oui"}})

    def _stage(self, binome: UUID) -> Stage | None:
        state = self.local.state(str(binome))
        return state.stage if state else None


def _email(name: str) -> str:
    return f"{name.lower().replace(' ', '.').replace('é', 'e').replace('ï', 'i')}@example.org"


async def fill(services: Services, local: LocalBinomes, catch_up: Callable[[], object], mentors: int, mentees: int,
               seed: int, progress: Callable[[str], None], today: datetime | None = None) -> Filled:
    """The story, from its first agreement to today; then the demo's accounts."""
    today = today or datetime.now(timezone.utc)
    accounts = services.accounts
    coordinator, _, _ = await accounts.create("coordination", Scope(Role.COORDINATOR, programmes=(PROGRAMME,)),
                                              Principal(Role.ADMINISTRATOR, "demo").actor, "demo-coordination",
                                              "demo-coordination", DEMO_PASSWORD)
    staff = Principal(Role.COORDINATOR, coordinator["account_id"], frozenset({PROGRAMME}))
    story = Story(services, local, catch_up, staff, seed, today, progress)
    with clock.at(story.start):
        await services.programmes.change_async(PROGRAMME, {"name": "Duo Bruxelles (démo)"}, staff.actor,
                                               "demo-programme", None)
        await story.partners()
    for index in range(mentors):
        story.at(story.start + timedelta(days=7 + index * (30 * (STORY_MONTHS - 2)) / mentors), story.mentor_joins())
    for index in range(mentees):
        story.at(story.start + timedelta(days=20 + index * (30 * (STORY_MONTHS - 2)) / mentees),
                 story.mentee_joins())
    progress(f"Histoire du {story.start:%Y-%m-%d} à aujourd'hui…")
    await story.run()
    story.filled.accounts.append(("coordination", DEMO_PASSWORD))
    await _pair_accounts(services, story)
    return story.filled


async def _pair_accounts(services: Services, story: Story) -> None:
    """A mentor and a mentee of a running binôme, to see their phone page."""
    running = [pair for binome, pair in story.active.items()
               if (state := story.local.state(binome)) is not None and state.stage == Stage.ACTIVE]
    if not running:
        return
    mentor, mentee = running[0]
    actor = story.staff.actor
    for username, role, person in (("mentor.demo", Role.MENTOR, mentor), ("mentee.demo", Role.MENTEE, mentee)):
        await services.accounts.create(username, Scope(role, person_id=person), actor, f"demo-{username}",
                                       f"demo-{username}", DEMO_PASSWORD)
        story.filled.accounts.append((username, DEMO_PASSWORD))


def new_seed() -> int:
    return uuid.uuid4().int % 10_000
