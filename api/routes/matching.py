"""Matching: suggestions for a mentee or a mentor, any pair explained ("why not this pair?"), proposals made from a
suggestion, and cohort drafts (made, reviewed, changed, proposed). Parse, call the service, present in the reader's
language."""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from api import matching_schemas as ms
from api import schemas as s
from api.deps import IdempotencyKeyDep, LanguageDep, MatchingDep
from api.fields import PLAIN
from api.presenters import fact_out
from api.principal import allowed
from application.matching import DraftView
from domain import cohort_drafts
from domain.errors import DomainError
from domain.matching import Match
from domain.permissions import Permission
from domain.principals import Principal
import i18n

router = APIRouter(tags=["matching"])
User = Annotated[Principal, allowed(Permission.MATCHING_USE)]
Proposer = Annotated[Principal, allowed(Permission.BINOMES_PROPOSE)]
PersonId = Annotated[str, Path(max_length=64, pattern=PLAIN, description="Identifiant de la personne")]
MentorId = Annotated[str, Path(max_length=64, pattern=PLAIN, description="Le mentor")]
MenteeId = Annotated[str, Path(max_length=64, pattern=PLAIN, description="Le mentee")]
DraftId = Annotated[str, Path(max_length=64, pattern=PLAIN, description="Le brouillon d'affectation")]
Limit = Annotated[int, Query(ge=1, le=50, description="Combien de suggestions au plus.")]


def lines_out(pair: Match, language: str) -> list[ms.LineOut]:
    return [ms.LineOut(criterion=line.criterion, label=i18n.render(f"criterion.{line.criterion}", None, language),
                       mandatory=line.mandatory, holds=line.holds, known=line.known, points=line.points,
                       max_points=line.max_points, params=line.params,
                       text=i18n.render(line.code, _readable(line.params), language))
            for line in pair.lines]


def _readable(params: dict[str, Any]) -> dict[str, Any]:
    """Lists as the text reads them."""
    return {name: ", ".join(map(str, value)) if isinstance(value, list) else value for name, value in params.items()}


def _reason_out(reason: DomainError, language: str) -> ms.ReasonOut:
    return ms.ReasonOut(code=reason.code, params=reason.params, message=i18n.render(reason.code, reason.params,
                                                                                    language))


def _suggestions(role: str):
    async def suggestions(person_id: PersonId, service: MatchingDep, principal: User, language: LanguageDep,
                          limit: Limit = 10) -> ms.SuggestionsOut:
        finder = service.for_mentee if role == "mentee" else service.for_mentor
        found = await finder(person_id, principal, limit)
        return ms.SuggestionsOut(
            person_id=found.person.person_id, role=role, programme_id=found.person.programme_id,
            available=found.available, excluded_before=found.excluded,
            items=[ms.SuggestionOut(person_id=other.person_id, name=other.name, score=pair.score,
                                    lines=lines_out(pair, language)) for other, pair in found.items])
    return suggestions


for _role, _other in (("mentee", "mentors"), ("mentor", "mentees")):
    router.add_api_route(f"/{_role}s/{{person_id}}/suggestions", _suggestions(_role), methods=["GET"],
                         response_model=ms.SuggestionsOut,
                         summary=f"Les {_other} suggérés, avec l'explication de chaque score",
                         responses={409: {"description": "Cette personne ne peut pas être proposée maintenant "
                                                         "(son étape, sa pause, sa capacité, son binôme en cours)."}})


@router.get("/matching/pairs/{mentor_id}/{mentee_id}", response_model=ms.PairOut,
            summary="Une paire expliquée : son score par critère, et pourquoi pas cette paire",
            responses={409: {"description": "Le mentor et le mentee sont de programmes différents."}})
async def pair(mentor_id: MentorId, mentee_id: MenteeId, service: MatchingDep, principal: User,
               language: LanguageDep,
               draft_id: Annotated[str | None, Query(max_length=64, pattern=PLAIN, description=(
                   "Un brouillon d'affectation : dit aussi pourquoi il ne contient pas la paire."))] = None
               ) -> ms.PairOut:
    view = await service.pair(mentor_id, mentee_id, principal, draft_id)
    return ms.PairOut(mentor_id=mentor_id, mentor_name=view.mentor.name, mentee_id=mentee_id,
                      mentee_name=view.mentee.name, programme_id=view.mentee.programme_id, score=view.match.score,
                      lines=lines_out(view.match, language), may_be_proposed=not view.reasons,
                      reasons=[_reason_out(r, language) for r in view.reasons], in_draft=view.in_draft)


@router.post("/matching/proposals", status_code=201, response_model=s.CommandResult,
             summary="Proposer une paire suggérée (la décision de matching est enregistrée sur le binôme)")
async def propose(body: ms.MatchProposalIn, service: MatchingDep, principal: Proposer, key: IdempotencyKeyDep,
                  response: Response) -> s.CommandResult:
    accepted = await service.propose(body.mentor_id, body.mentee_id, body.note, principal, key)
    if accepted.repeated:
        response.headers["Idempotent-Replayed"] = "true"
    response.headers["Location"] = f"/binomes/{accepted.binome_id}"
    return s.CommandResult(binome_id=accepted.binome_id, recorded=[fact_out(f) for f in accepted.facts])


def _draft_out(view: DraftView, response: Response) -> ms.DraftOut:
    """The draft for the reader: its pairs best first, with names; the proposed ones with their binômes."""
    if view.repeated:
        response.headers["Idempotent-Replayed"] = "true"
    state = view.state
    pairs = []
    for mentee_id, (mentor_id, score) in sorted(state.pairs.items(), key=lambda item: (-item[1][1], item[0])):
        binome_id, stage = view.proposed.get(mentee_id, (None, None))
        pairs.append(ms.DraftPairOut(mentee_id=mentee_id, mentee_name=view.names.get(mentee_id), mentor_id=mentor_id,
                                     mentor_name=view.names.get(mentor_id), score=score, binome_id=binome_id,
                                     stage=stage))
    return ms.DraftOut(draft_id=state.draft_id, programme_id=state.programme_id, made_at=state.made_at,
                       made_by=str(state.made_by) if state.made_by else None, criteria=state.criteria, pairs=pairs,
                       unmatched=[ms.UnmatchedOut(mentee_id=m, mentee_name=view.names.get(m)) for m in state.unmatched],
                       total_score=cohort_drafts.total_score(state), removed=len(state.removed),
                       proposed=len(view.proposed))


@router.post("/matching/drafts", status_code=201, response_model=ms.DraftOut,
             summary="Faire le brouillon d'affectation d'une cohorte (optimal : le plus de paires, puis le meilleur "
                     "score total)")
async def make_draft(body: ms.DraftIn, service: MatchingDep, principal: User, key: IdempotencyKeyDep,
                     response: Response) -> ms.DraftOut:
    view = await service.make_draft(body.programme_id, principal, key)
    response.headers["Location"] = f"/matching/drafts/{view.state.draft_id}"
    return _draft_out(view, response)


@router.get("/matching/drafts/{draft_id}", response_model=ms.DraftOut, summary="Un brouillon d'affectation")
async def draft(draft_id: DraftId, service: MatchingDep, principal: User, response: Response) -> ms.DraftOut:
    return _draft_out(await service.draft(draft_id, principal), response)


@router.post("/matching/drafts/{draft_id}/removals", response_model=ms.DraftOut,
             summary="Retirer une paire du brouillon")
async def remove(draft_id: DraftId, body: ms.RemovalIn, service: MatchingDep, principal: User,
                 key: IdempotencyKeyDep, response: Response) -> ms.DraftOut:
    return _draft_out(await service.remove_pair(draft_id, body.mentee_id, principal, key), response)


@router.post("/matching/drafts/{draft_id}/swaps", response_model=ms.DraftOut,
             summary="Échanger les mentors de deux mentees du brouillon")
async def swap(draft_id: DraftId, body: ms.SwapIn, service: MatchingDep, principal: User, key: IdempotencyKeyDep,
               response: Response) -> ms.DraftOut:
    return _draft_out(await service.swap_pairs(draft_id, body.mentee_ids, principal, key), response)


@router.post("/matching/drafts/{draft_id}/proposals", response_model=ms.DraftProposalsOut,
             summary="Proposer des paires du brouillon (toutes, par lots, ou celles choisies)")
async def propose_draft(draft_id: DraftId, body: ms.DraftProposalsIn, service: MatchingDep, principal: Proposer,
                        language: LanguageDep) -> ms.DraftProposalsOut:
    results, remaining = await service.propose_draft(draft_id, body.mentee_ids, principal)
    return ms.DraftProposalsOut(remaining=remaining, results=[ms.DraftProposalOut(
        mentee_id=r.mentee_id, mentor_id=r.mentor_id, binome_id=r.binome_id,
        code=r.refusal.code if r.refusal else None,
        message=i18n.render(r.refusal.code, r.refusal.params, language) if r.refusal else None) for r in results])
