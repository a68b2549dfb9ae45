"""Matching for the programme's staff: suggestions for one mentee or one mentor, any pair explained ("why not this
pair?"), cohort drafts made, changed and proposed, and proposals that record why matching made the pair.

Every read crosses the programme's current criteria (its `matching_criteria` setting) with the views: who may be
proposed now (domain.candidates) and their matching profiles. The mentors' profiles are kept as a `MentorPool` per
programme, rebuilt when one of its mentors changes. A proposal goes through the binôme's own proposal
(`BinomeCommands.propose`), whose rules across binômes stay the last word; it carries the matching decision, which
the binôme records as its fact `PairMatched`.
"""

import asyncio
import threading
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

import numpy as np
import structlog

from application import clock
from application.binomes import Accepted, BinomeCommands, new_binome_id
from application.data_reads import PersonalDataReads
from application.errors import Saturated
from application.idempotency import fingerprint
from application.programmes import ProgrammeService
from domain import cohort, cohort_drafts, geography, matching
from domain.candidates import Candidates, partners_before
from domain.catalogue import MATCHING
from domain.cohort_drafts import DraftState
from domain.engagements import unavailable
from domain.errors import DomainError, NotAllowed, NotFound
from domain.matching import Criterion, Match, Suggestion
from domain.matching_pool import MentorPool
from domain.persons import PROPOSABLE_STEP, PersonState
from domain.principals import Principal
from eventstore import AppendConflict, FactStore
from projections.candidates import CandidateReads

log = structlog.get_logger("mentorat.matching")
DRAFT_NAMESPACE = uuid.UUID("0d3f6a52-94c1-4e7b-8b2a-5c9e1f7d4a63")
RACES = 20
# Proposals made by one call on a draft: each starts a workflow; the rest waits for the next call.
PROPOSALS_PER_CALL = 25


def draft_binome_id(draft_id: str, mentee_id: str, mentor_id: str) -> UUID:
    """The binôme a draft's pair becomes: proposing it again names the same one. Its key holds "·", which no
    client's Idempotency-Key (visible ASCII) can: no request can take this id for another pair."""
    return new_binome_id(_draft_key(draft_id, mentee_id, mentor_id))


def _draft_key(draft_id: str, mentee_id: str, mentor_id: str) -> str:
    return f"draft·{draft_id}·{mentee_id}·{mentor_id}"


@dataclass(frozen=True)
class Suggestions:
    person: PersonState
    # The other side's persons, each with their match, best first.
    items: list[tuple[PersonState, Match]]
    # How many of the other side may be proposed now, and how many of them this person was paired with before.
    available: int
    excluded: int


@dataclass(frozen=True)
class PairView:
    mentor: PersonState
    mentee: PersonState
    match: Match
    # Every reason the pair is not suggested (or not in the draft); none: it may be proposed.
    reasons: list[NotAllowed]
    # The criteria it was judged on (the programme's now, or the draft's).
    criteria: dict[str, Criterion]
    # Whether the draft asked about holds the pair (None: no draft asked about).
    in_draft: bool | None = None


@dataclass(frozen=True)
class DraftView:
    state: DraftState
    names: dict[str, str]
    # mentee id -> (binôme id, its stage), for the pairs proposed
    proposed: dict[str, tuple[str, str]]
    repeated: bool = False


@dataclass(frozen=True)
class _Mentors:
    """A programme's mentors at one moment, with what says whether they are still current."""

    profiles: tuple[int, int]
    binomes: tuple[int, int]
    pool: MentorPool
    # The ready mentors, and those of them who may be proposed now (until the next pause runs out).
    people: dict[str, PersonState]
    free: frozenset[str]
    until: datetime | None


@dataclass(frozen=True)
class ProposalResult:
    mentee_id: str
    mentor_id: str
    binome_id: str | None
    refusal: DomainError | None


class MatchingService:
    def __init__(self, reads: CandidateReads, programmes: ProgrammeService, store: FactStore,
                 binomes: BinomeCommands, data_reads: PersonalDataReads):
        self._reads = reads
        self._programmes = programmes
        self._store = store
        self._binomes = binomes
        self._data_reads = data_reads
        self._pools: dict[str, _Mentors] = {}
        self._pool_lock = threading.Lock()

    def warm_up(self) -> None:
        """Loads the geography in the background, so that the first suggestions do not wait for it."""
        threading.Thread(target=geography.load, name="matching-warm-up", daemon=True).start()

    # --- suggestions and pairs -------------------------------------------------------------------------

    async def waiting(self, programme_id: str, principal: Principal) -> list[PersonState]:
        """The programme's mentees who may be proposed now (selected, in no open binôme), longest waiting first."""
        if not principal.sees_programme(programme_id):
            raise NotFound("programme_not_found", field="programme_id", programme_id=programme_id)
        now = clock.now()
        mentees = await asyncio.to_thread(self._reads.persons, programme_id, "mentee",
                                          step=PROPOSABLE_STEP["mentee"], profiles=False)
        waiting = sorted((m for m in mentees.values() if unavailable(m, now) is None),
                         key=lambda m: (m.step_since or now, m.person_id))
        await self._data_reads.record(principal, [m.person_id for m in waiting], "matching.waiting")
        return waiting

    async def for_mentee(self, mentee_id: str, principal: Principal, limit: int) -> Suggestions:
        """The best mentors for a mentee who may be proposed now, among those who may be too, never one this
        mentee was paired with before."""
        found = await asyncio.to_thread(self._suggest_mentors, mentee_id, principal, limit)
        await self._data_reads.record(principal, [mentee_id, *(m.person_id for m, _ in found.items)],
                                      "matching.suggestions")
        return found

    async def for_mentor(self, mentor_id: str, principal: Principal, limit: int) -> Suggestions:
        """The best mentees for a mentor who may take one now (the same rules, from the mentor's side)."""
        found = await asyncio.to_thread(self._suggest_mentees, mentor_id, principal, limit)
        await self._data_reads.record(principal, [mentor_id, *(m.person_id for m, _ in found.items)],
                                      "matching.suggestions")
        return found

    async def pair(self, mentor_id: str, mentee_id: str, principal: Principal,
                   draft_id: str | None = None) -> PairView:
        """Any pair of the programme explained: its score per criterion and every reason it is not suggested;
        with a draft, also why the draft does not hold it."""
        view = await asyncio.to_thread(self._pair, mentor_id, mentee_id, principal, draft_id)
        await self._data_reads.record(principal, [mentor_id, mentee_id], "matching.pair")
        return view

    def _suggest_mentors(self, mentee_id: str, principal: Principal, limit: int) -> Suggestions:
        mentee = self._person(mentee_id, "mentee", principal)
        now = clock.now()
        if (refusal := unavailable(mentee, now)) is not None:
            raise refusal
        criteria = self._criteria(mentee.programme_id)
        mentors = self._mentors(mentee.programme_id, now)
        before = partners_before(self._reads.past_pairs(mentee.programme_id, mentee_id=mentee_id), mentee_id,
                                 "mentee")
        found = mentors.pool.suggestions(mentee.profile, criteria, limit, now.date(),
                                         mentors.pool.among(mentors.free - before))
        return Suggestions(mentee, [(mentors.people[s.person_id], s.match) for s in found],
                           len(mentors.free), len(mentors.free & before))

    def _suggest_mentees(self, mentor_id: str, principal: Principal, limit: int) -> Suggestions:
        mentor = self._person(mentor_id, "mentor", principal)
        now = clock.now()
        if (refusal := unavailable(mentor, now)) is not None:
            raise refusal
        criteria = self._criteria(mentor.programme_id)
        mentees = self._reads.persons(mentor.programme_id, "mentee", step=PROPOSABLE_STEP["mentee"])
        free = {m for m, person in mentees.items() if unavailable(person, now) is None}
        before = partners_before(self._reads.past_pairs(mentor.programme_id, mentor_id=mentor_id), mentor_id,
                                 "mentor")
        found: list[Suggestion] = matching.suggestions(
            mentor.profile, {m: mentees[m].profile for m in sorted(free - before)}, False, criteria, limit,
            now.date())
        return Suggestions(mentor, [(mentees[s.person_id], s.match) for s in found], len(free),
                           len(free & before))

    def _pair(self, mentor_id: str, mentee_id: str, principal: Principal, draft_id: str | None) -> PairView:
        return self._judged(mentor_id, mentee_id, principal,
                            self._draft_state(draft_id, principal) if draft_id is not None else None)

    def _judged(self, mentor_id: str, mentee_id: str, principal: Principal, draft: DraftState | None) -> PairView:
        """The pair judged now, on the draft's criteria if a draft is given (else the programme's)."""
        mentor = self._person(mentor_id, "mentor", principal)
        mentee = self._person(mentee_id, "mentee", principal)
        if mentor.programme_id != mentee.programme_id:
            raise NotAllowed("pair_in_different_programmes", mentor_programme=mentor.programme_id,
                             mentee_programme=mentee.programme_id)
        if draft is not None and draft.programme_id != mentee.programme_id:
            raise NotFound("draft_not_found", field="draft_id")
        criteria = draft.matching_criteria() if draft else self._criteria(mentee.programme_id)
        candidates = self._candidates(mentee.programme_id, {mentor_id: mentor}, {mentee_id: mentee},
                                      mentor_id=mentor_id, mentee_id=mentee_id)
        pair = matching.match(mentor.profile, mentee.profile, criteria, candidates.at.date())
        reasons = candidates.why_not(mentor_id, mentee_id, criteria, pair)
        in_draft = None
        if draft is not None:
            in_draft = draft.pairs.get(mentee_id, ("", 0))[0] == mentor_id
            if not in_draft and not reasons:
                reasons = cohort_drafts.absent_because(draft, mentor_id, mentee_id, pair.score)
        return PairView(mentor, mentee, pair, reasons, dict(criteria), in_draft)

    # --- cohort drafts ---------------------------------------------------------------------------------

    async def make_draft(self, programme_id: str, principal: Principal, key: str | None) -> DraftView:
        """The optimal assignment of the programme's waiting mentees to its available mentors, as a new draft."""
        if not principal.sees_programme(programme_id):
            raise NotFound("programme_not_found", field="programme_id", programme_id=programme_id)
        draft_id = str(uuid.uuid5(DRAFT_NAMESPACE, key) if key else uuid.uuid4())
        command_id = key or draft_id
        print_ = fingerprint("MakeCohortDraft", {"programme_id": programme_id})
        return await self._shown(principal, await asyncio.to_thread(
            self._make_draft, draft_id, programme_id, principal, command_id, print_))

    async def draft(self, draft_id: str, principal: Principal) -> DraftView:
        return await self._shown(principal, await asyncio.to_thread(
            lambda: self._draft_view(self._draft_state(draft_id, principal))))

    async def _shown(self, principal: Principal, view: DraftView) -> DraftView:
        """A draft as answered: it names its mentees and mentors, so reading it is logged."""
        await self._data_reads.record(principal, sorted(view.names), "matching.draft")
        return view

    async def remove_pair(self, draft_id: str, mentee_id: str, principal: Principal, key: str | None) -> DraftView:
        print_ = fingerprint("RemoveDraftPair", {"draft_id": draft_id, "mentee_id": mentee_id})
        return await self._shown(principal, await asyncio.to_thread(
            self._change_draft, draft_id, principal, [mentee_id], lambda state, proposed, now: cohort_drafts.remove(
                state, mentee_id, proposed, principal.actor, now, key or str(uuid.uuid4()), print_)))

    async def swap_pairs(self, draft_id: str, mentee_ids: list[str], principal: Principal,
                         key: str | None) -> DraftView:
        print_ = fingerprint("SwapDraftPairs", {"draft_id": draft_id, "mentee_ids": mentee_ids})
        first, second = mentee_ids

        def decide(state: DraftState, proposed: set[str], now: datetime) -> list:
            judged = self._swapped(state, first, second) if {first, second} <= set(state.pairs) else {}
            return cohort_drafts.swap(state, first, second, judged, proposed, principal.actor, now,
                                      key or str(uuid.uuid4()), print_)

        return await self._shown(principal, await asyncio.to_thread(
            self._change_draft, draft_id, principal, mentee_ids, decide))

    async def propose_draft(self, draft_id: str, mentee_ids: list[str],
                            principal: Principal) -> tuple[list[ProposalResult], int]:
        """Proposes the draft's pairs of `mentee_ids` (at most PROPOSALS_PER_CALL: the client names them, so a
        resend proposes the same ones, nothing more); each is the binôme's own proposal with its matching decision.
        Returns each pair's outcome and how many pairs are left to propose."""
        state = await asyncio.to_thread(self._draft_state, draft_id, principal)
        unknown = [index for index, m in enumerate(mentee_ids) if m not in state.pairs]
        if unknown:
            raise NotAllowed("draft_pair_not_found", field=f"mentee_ids.{unknown[0]}")
        results = []
        for mentee_id in dict.fromkeys(mentee_ids):
            mentor_id, score = state.pairs[mentee_id]
            results.append(await self._propose_from_draft(state, mentee_id, mentor_id, score, principal))
        proposed = await asyncio.to_thread(self._proposed, state)
        return results, len(set(state.pairs) - set(proposed))

    async def propose(self, mentor_id: str, mentee_id: str, note: str, principal: Principal,
                      key: str | None) -> Accepted:
        """Proposes a suggested pair: refused (409, the first reason) unless it may be suggested now."""
        payload = {"mentor_id": mentor_id, "mentee_id": mentee_id, "note": note}
        if key is not None and await asyncio.to_thread(self._exists, new_binome_id(key)):
            return await self._binomes.propose(payload, principal, key)  # a repeat: its first answer
        view = await asyncio.to_thread(self._pair, mentor_id, mentee_id, principal, None)
        if view.reasons:
            raise view.reasons[0]
        decision = matching.decision(view.match, view.criteria, "suggestion")
        return await self._binomes.propose(payload, principal, key, matching=decision)

    async def _propose_from_draft(self, state: DraftState, mentee_id: str, mentor_id: str, score: int,
                                  principal: Principal) -> ProposalResult:
        key = _draft_key(state.draft_id, mentee_id, mentor_id)
        binome_id = str(new_binome_id(key))
        payload = {"mentor_id": mentor_id, "mentee_id": mentee_id, "note": ""}
        try:
            if not await asyncio.to_thread(self._exists, UUID(binome_id)):
                # Judged on the draft's criteria: the decision records what was judged.
                view = await asyncio.to_thread(self._judged, mentor_id, mentee_id, principal, state)
                if view.reasons:
                    raise view.reasons[0]
                decision = matching.decision(view.match, view.criteria, "draft", state.draft_id, score)
                await self._binomes.propose(payload, principal, key, matching=decision)
        except DomainError as refused:
            return ProposalResult(mentee_id, mentor_id, None, refused)
        return ProposalResult(mentee_id, mentor_id, binome_id, None)

    def _make_draft(self, draft_id: str, programme_id: str, principal: Principal, command_id: str,
                    print_: str) -> DraftView:
        stream_id = UUID(draft_id)
        state = self._fold(stream_id)
        if state.exists:  # a repeat of the key (or its misuse for another body: refused there)
            cohort_drafts.make(state, programme_id, {}, [], [], {}, principal.actor, clock.now(),
                               command_id, print_)
            return self._draft_view(state, repeated=True)
        criteria = self._criteria(programme_id)
        now = clock.now()
        candidates = self._candidates(programme_id, self._reads.persons(programme_id, "mentor", profiles=False),
                                      self._reads.persons(programme_id, "mentee", step=PROPOSABLE_STEP["mentee"]))
        mentors = [m for m in candidates.available("mentor") if candidates.places(m) > 0]
        mentees = candidates.available("mentee")
        scores, allowed = self._cohort_scores(programme_id, candidates, mentees, mentors, criteria, now.date())
        pairs = cohort_drafts.pairs_of(cohort.assign(scores, allowed, [candidates.places(m) for m in mentors]),
                                       mentees, mentors)
        paired = {mentee for mentee, _, _ in pairs}
        facts = cohort_drafts.make(state, programme_id, criteria, pairs, [m for m in mentees if m not in paired],
                                   {m: candidates.places(m) for m in mentors}, principal.actor, now, command_id,
                                   print_)
        try:
            self._store.append(stream_id, facts)
        except AppendConflict:
            return self._make_draft(draft_id, programme_id, principal, command_id, print_)  # made meanwhile
        log.info("cohort_draft_made", draft_id=draft_id, programme_id=programme_id, pairs=len(pairs),
                 mentees=len(mentees), mentors=len(mentors))
        return self._draft_view(self._fold(stream_id))

    def _cohort_scores(self, programme_id: str, candidates: Candidates, mentees: list[str], mentors: list[str],
                       criteria: dict[str, Criterion], on: date) -> tuple[np.ndarray, np.ndarray]:
        """Each waiting mentee's score and allowed pairs with each available mentor (pairs made before left out)."""
        pool = self._pool(programme_id)
        columns = pool.columns(mentors)
        scores = np.zeros((len(mentees), len(mentors)), np.int64)
        allowed = np.zeros((len(mentees), len(mentors)), bool)
        for i, mentee_id in enumerate(mentees):
            row_scores, row_allowed = pool.scores(candidates.mentees[mentee_id].profile, criteria, on)
            scores[i], allowed[i] = row_scores[columns], row_allowed[columns]
        row, column = {m: i for i, m in enumerate(mentees)}, {m: j for j, m in enumerate(mentors)}
        for mentor_id, mentee_id in candidates.past_pairs:
            if mentee_id in row and mentor_id in column:
                allowed[row[mentee_id], column[mentor_id]] = False
        return scores, allowed

    def _change_draft(self, draft_id: str, principal: Principal, mentee_ids: list[str], decide) -> DraftView:
        """Records a change of the pairs of `mentee_ids`; whether one is proposed is asked of the store, not of
        the views (which may not show a binôme just proposed)."""
        for _ in range(RACES):
            state = self._draft_state(draft_id, principal)
            proposed = {m for m in mentee_ids if m in state.pairs
                        and self._exists(draft_binome_id(draft_id, m, state.pairs[m][0]))}
            facts = decide(state, proposed, clock.now())
            if not facts:
                return self._draft_view(state, repeated=True)
            try:
                self._store.append(UUID(draft_id), facts)
            except AppendConflict:
                continue  # changed meanwhile: judged again
            return self._draft_view(self._fold(UUID(draft_id)))
        raise Saturated("draft_busy")

    def _swapped(self, state: DraftState, first: str, second: str) -> dict[str, tuple[Match, list[NotAllowed]]]:
        """Each of the two mentees judged with the other's mentor."""
        mentor_of = {first: state.pairs[second][0], second: state.pairs[first][0]}
        criteria = state.matching_criteria()
        mentors = self._reads.persons(state.programme_id, "mentor", set(mentor_of.values()))
        mentees = self._reads.persons(state.programme_id, "mentee", set(mentor_of))
        candidates = self._candidates(state.programme_id, mentors, mentees)
        judged = {}
        for mentee_id, mentor_id in mentor_of.items():
            if mentor_id not in mentors or mentee_id not in mentees:
                judged[mentee_id] = (Match(0, False, []), [NotAllowed("mentee_not_found", field="mentee_ids")])
                continue
            pair = matching.match(mentors[mentor_id].profile, mentees[mentee_id].profile, criteria,
                                  candidates.at.date())
            # The mentor's place is the other mentee's, given back by the swap: capacity is not a reason here.
            reasons = [r for r in candidates.why_not(mentor_id, mentee_id, criteria, pair)
                       if r.code != "mentor_at_capacity"]
            judged[mentee_id] = (pair, reasons)
        return judged

    def _draft_view(self, state: DraftState, repeated: bool = False) -> DraftView:
        mentors = {m for m, _ in state.pairs.values()} | set(state.places)
        mentees = set(state.pairs) | set(state.unmatched)
        names = {**self._reads.names(mentors), **self._reads.names(mentees)}
        return DraftView(state, names, self._proposed(state), repeated)

    def _proposed(self, state: DraftState) -> dict[str, tuple[str, str]]:
        """The draft's pairs proposed so far: their binômes' ids derive from the draft and the mentee."""
        ids = {str(draft_binome_id(state.draft_id, mentee, mentor)): mentee
               for mentee, (mentor, _) in state.pairs.items()}
        return {ids[binome_id]: (binome_id, stage) for binome_id, stage in self._reads.existing(ids).items()}

    def _draft_state(self, draft_id: str, principal: Principal) -> DraftState:
        try:
            stream_id = UUID(draft_id)
        except ValueError:
            raise NotFound("draft_not_found") from None
        state = self._fold(stream_id)
        if not state.exists or not principal.sees_programme(state.programme_id):
            raise NotFound("draft_not_found")
        return state

    def _fold(self, stream_id: UUID) -> DraftState:
        return cohort_drafts.fold(str(stream_id), [r.fact for r in self._store.read(stream_id, category=MATCHING)])

    # --- shared reads ----------------------------------------------------------------------------------

    def _person(self, person_id: str, role: str, principal: Principal) -> PersonState:
        person = self._reads.person(person_id)
        if person is None or person.role != role or not principal.sees_programme(person.programme_id):
            raise NotFound(f"{role}_not_found", field=f"{role}_id")
        return person

    def _criteria(self, programme_id: str) -> dict[str, Criterion]:
        return matching.criteria_of(self._programmes.get(programme_id).matching_criteria)

    def _candidates(self, programme_id: str, mentors: dict[str, PersonState], mentees: dict[str, PersonState],
                    mentor_id: str | None = None, mentee_id: str | None = None) -> Candidates:
        past = self._reads.past_pairs(programme_id, mentor_id=mentor_id, mentee_id=mentee_id)
        return Candidates(mentors, mentees, past, clock.now())

    def _pool(self, programme_id: str) -> MentorPool:
        return self._mentors(programme_id, clock.now()).pool

    def _mentors(self, programme_id: str, now: datetime) -> "_Mentors":
        """The programme's mentors as matching reads them, kept between calls: their profiles as a pool, rebuilt
        when one of them changed; who may be proposed now, read again when a binôme opened or ended, or a pause
        ran out."""
        profiles, binomes = self._reads.signature(programme_id, "mentor"), self._reads.open_signature(programme_id)
        with self._pool_lock:
            cached = self._pools.get(programme_id)
            if cached is None or cached.profiles != profiles:
                pool = MentorPool(self._reads.profiles(programme_id, "mentor"))
            elif cached.binomes != binomes or (cached.until is not None and now >= cached.until):
                pool = cached.pool
            else:
                return cached
            people = self._reads.persons(programme_id, "mentor", step=PROPOSABLE_STEP["mentor"], profiles=False)
            free = frozenset(m for m, person in people.items() if unavailable(person, now) is None)
            pauses = [p.paused_until for p in people.values() if p.paused_until is not None and p.paused_until > now]
            self._pools[programme_id] = _Mentors(profiles, binomes, pool, people, free, min(pauses, default=None))
            return self._pools[programme_id]

    def _exists(self, binome_id: UUID) -> bool:
        return bool(self._store.read(binome_id, upto=1))

