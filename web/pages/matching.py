"""Matching: the mentees waiting for a mentor, each one's suggestions with the reasons of their scores (and a
mentor's, from their side), a proposal in one click; the cohort draft (every waiting mentee at once), its pairs
removed, swapped or proposed."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from api.routes.matching import lines_out
from domain.errors import InvalidInput
from domain.permissions import Permission, require
from web.forms import idempotency_key
from web.guard import Form, Viewer, staff_with
from web.pages.by_role import PersonId, for_role
from web.render import page, see_other

router = APIRouter(prefix="/matching")
DraftId = Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
User = Annotated[Viewer, staff_with(Permission.MATCHING_USE)]
SUGGESTIONS = 10
# The API's limit on one call's proposals from a draft.
DRAFT_BATCH = 25


def programme_of(who: Viewer) -> str | None:
    """The programme matching works in: the one chosen, or the only one of a coordinator."""
    if who.programme_id:
        return who.programme_id
    programmes = sorted(who.principal.programmes)
    return programmes[0] if len(programmes) == 1 else None


@router.get("")
async def matching_home(request: Request, who: User) -> HTMLResponse:
    programme_id = programme_of(who)
    waiting = await request.app.state.services.matching.waiting(programme_id, who.principal) \
        if programme_id else []
    return page(request, "matching.html", programme_id=programme_id, waiting=waiting, key=uuid.uuid4().hex)


async def suggestions_page(request: Request, role: str, person_id: PersonId, who: User) -> HTMLResponse:
    """A mentee's best mentors, or a mentor's best mentees: each with its score's reasons and a proposal."""
    matching = request.app.state.services.matching
    finder = matching.for_mentee if role == "mentee" else matching.for_mentor
    found = await finder(person_id, who.principal, SUGGESTIONS)
    items = [{"person": other, "score": match.score, "lines": lines_out(match, who.language), "key": uuid.uuid4().hex}
             for other, match in found.items]
    return page(request, "suggestions.html", role=role, other_role="mentor" if role == "mentee" else "mentee",
                person=found.person, items=items, available=found.available, excluded=found.excluded)


for _role in ("mentee", "mentor"):
    router.get(f"/{_role}s/{{person_id}}")(for_role(_role, suggestions_page))


@router.post("/proposals")
async def propose(request: Request, who: User, form: Form) -> Response:
    require(who.principal, Permission.BINOMES_PROPOSE)
    mentor_id, mentee_id = str(form.get("mentor_id") or ""), str(form.get("mentee_id") or "")
    if not mentor_id or not mentee_id:
        raise InvalidInput("invalid.missing", field="mentor_id" if not mentor_id else "mentee_id")
    note = str(form.get("note") or "")[:5000]
    accepted = await request.app.state.services.matching.propose(mentor_id, mentee_id, note, who.principal,
                                                                 idempotency_key(form))
    return see_other(f"/app/binomes/{accepted.binome_id}")


@router.post("/drafts")
async def make_draft(request: Request, who: User, form: Form) -> Response:
    programme_id = programme_of(who)
    if programme_id is None:
        raise InvalidInput("web.programme_to_choose", field="programme_id")
    view = await request.app.state.services.matching.make_draft(programme_id, who.principal, idempotency_key(form))
    return see_other(f"/app/matching/drafts/{view.state.draft_id}")


@router.get("/drafts/{draft_id}")
async def draft_page(request: Request, draft_id: DraftId, who: User, proposed: int | None = None,
                     refused: int | None = None) -> HTMLResponse:
    view = await request.app.state.services.matching.draft(draft_id, who.principal)
    state = view.state
    pairs = [{"mentee_id": mentee_id, "mentor_id": mentor_id, "score": score,
              "binome": view.proposed.get(mentee_id)}
             for mentee_id, (mentor_id, score) in sorted(state.pairs.items(), key=lambda item: (-item[1][1], item[0]))]
    waiting = [p["mentee_id"] for p in pairs if p["binome"] is None]
    return page(request, "draft.html", draft=state, pairs=pairs, names=view.names, unmatched=state.unmatched,
                next_batch=waiting[:DRAFT_BATCH], remaining=len(waiting), proposed=proposed, refused=refused,
                key=uuid.uuid4().hex)


@router.post("/drafts/{draft_id}/removals")
async def remove_pair(request: Request, draft_id: DraftId, who: User, form: Form) -> Response:
    mentee_id = str(form.get("mentee_id") or "")
    await request.app.state.services.matching.remove_pair(draft_id, mentee_id, who.principal, idempotency_key(form))
    return see_other(f"/app/matching/drafts/{draft_id}")


@router.post("/drafts/{draft_id}/swaps")
async def swap_pairs(request: Request, draft_id: DraftId, who: User, form: Form) -> Response:
    """Two mentees of the draft exchange their mentors."""
    mentee_ids = [str(form.get(name) or "") for name in ("first", "second")]
    for name, mentee_id in zip(("first", "second"), mentee_ids):
        if not mentee_id:
            raise InvalidInput("invalid.missing", field=name)
    if mentee_ids[0] == mentee_ids[1]:
        raise InvalidInput("web.matching.swap_same", field="second")
    await request.app.state.services.matching.swap_pairs(draft_id, mentee_ids, who.principal, idempotency_key(form))
    return see_other(f"/app/matching/drafts/{draft_id}")


@router.post("/drafts/{draft_id}/proposals")
async def propose_draft(request: Request, draft_id: DraftId, who: User, form: Form) -> Response:
    """Proposes the pairs the page listed as the next batch (the same ones when the form is sent again)."""
    require(who.principal, Permission.BINOMES_PROPOSE)
    mentee_ids = [str(m) for m in form.getlist("mentee_ids")][:DRAFT_BATCH]
    if not mentee_ids:
        raise InvalidInput("invalid.missing", field="mentee_ids")
    results, _ = await request.app.state.services.matching.propose_draft(draft_id, mentee_ids, who.principal)
    refused = sum(1 for r in results if r.refusal is not None)
    return see_other(f"/app/matching/drafts/{draft_id}?proposed={len(results) - refused}&refused={refused}")

