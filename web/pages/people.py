"""Mentors and mentees before their binôme: each journey's pipeline (how many stand at each step, who is stuck),
the list of people, and one person's record with their journey and the form of their next collective step."""

import uuid
from datetime import datetime, timezone
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

import i18n
from api import cursors
from api.journey_schemas import (AttendanceIn, DepartureIn, PauseIn, PreparationInterviewIn, ResumeIn,
                                 SelectionDecisionIn, SelectionInterviewIn)
from domain.errors import NotFound
from domain.journeys import DEPARTURE_REASONS, NOT_SELECTED_REASONS, REQUIRED_CRITERIA
from domain.persons import ROLES
from domain.permissions import Permission, may, require
from web import charts
from web.forms import CommandForm, Field, FormInvalid, idempotency_key, parsed_now, shown_again
from web.guard import Form, Viewer, staff_with
from web.pages.by_role import PersonId, for_role
from web.pages.person_records import profile_rows
from web.render import form_page, page, see_other
from web.timeline import named_entries

router = APIRouter()
Reader = Annotated[Viewer, staff_with(Permission.JOURNEYS_READ)]
PAGE_SIZE = 50
PersonCursor = cursors.parameter("persons", ("", ""))
# The journey's forms, from a person's record: their next step, and a mentor's pause once ready.
JOURNEY_FORMS = {form.slug: form for form in (
    CommandForm("information-session", "RecordInformationSession", AttendanceIn,
                (Field("duration_minutes", "number"),), journey=True),
    CommandForm("preparation-interview", "RecordPreparationInterview", PreparationInterviewIn, (
        Field("motivations", "textarea"), Field("professional_path", "textarea"), Field("expectations", "textarea"),
        Field("commitment_limits", "textarea")), journey=True),
    CommandForm("training", "RecordTraining", AttendanceIn, (Field("duration_minutes", "number"),), journey=True),
    CommandForm("pause", "PauseMentor", PauseIn, (Field("until", "day_start", required=True),
                                                   Field("reason", "textarea")), journey=True),
    CommandForm("resume", "ResumeMentor", ResumeIn, (), journey=True),
    CommandForm("departure", "RecordMentorDeparture", DepartureIn, (
        Field("reason", "select", DEPARTURE_REASONS, True, labels="web.departure."), Field("note", "textarea")),
        journey=True),
    CommandForm("presentation", "RecordPresentation", AttendanceIn, (Field("duration_minutes", "number"),),
                journey=True),
    CommandForm("selection-interview", "RecordSelectionInterview", SelectionInterviewIn, (
        Field("answers", "answers", required=True), Field("duration_minutes", "number")), journey=True),
    CommandForm("selection-decision", "DecideSelection", SelectionDecisionIn, (
        Field("criteria", "criteria", required=True), Field("selected", "yes_no", required=True),
        Field("reason", "select", NOT_SELECTED_REASONS)), journey=True),
)}
NEXT_FORMS = {("mentor", "candidate"): ("information-session",), ("mentor", "informed"): ("preparation-interview",),
              ("mentor", "interviewed"): ("training",), ("mentor", "ready"): ("pause",),
              ("mentee", "applied"): ("presentation",), ("mentee", "presented"): ("selection-interview",),
              ("mentee", "interviewed"): ("selection-decision",)}


def step_forms(role: str, person: dict, now: datetime) -> list[CommandForm]:
    """The forms of the person's next step; a mentor may also end a pause early, or leave the programme."""
    slugs = list(NEXT_FORMS.get((role, person["step"]), ()))
    if role == "mentor" and person["paused_until"] is not None and person["paused_until"] > now:
        slugs = [slug for slug in slugs if slug != "pause"] + ["resume"]
    if role == "mentor" and person["step"] != "departed":
        slugs.append("departure")
    return [JOURNEY_FORMS[slug] for slug in slugs]


async def pipeline_page(request: Request, role: str, who: Reader,
                        after: PersonCursor = None) -> HTMLResponse:
    persons = request.app.state.services.persons
    pipelines = await persons.pipeline(role, who.principal, who.programme_id)
    listed = await persons.page(role, who.principal, PAGE_SIZE, after, who.programme_id)
    drawn = [charts.bars(i18n.render("web.people.steps", {"programme": p.programme_id}, who.language),
                         [i18n.render(f"step.{step}", None, who.language) for step in p.steps],
                         list(p.steps.values())) for p in pipelines]
    next_cursor = cursors.encode("persons", listed.next_after) if listed.next_after else None
    return page(request, "pipeline.html", role=role, may_register=may(who.principal, Permission.PERSONS_REGISTER),
                pipelines=list(zip(pipelines, drawn)), people=listed.items, total=listed.total,
                next_cursor=next_cursor)


async def person_page(request: Request, role: str, person_id: PersonId, who: Reader) -> HTMLResponse:
    persons = request.app.state.services.persons
    person = await persons.get(role, person_id, who.principal)
    journey = await persons.journey(role, person_id, who.principal)
    named = await named_entries(request.app.state.services.accounts, journey, {person_id: person["name"]})
    return page(request, "person.html", role=role, person=person, journey=named,
                step_forms=step_forms(role, person, datetime.now(timezone.utc)),
                profile_rows=profile_rows(role, person["profile"], who.language),
                may_change=may(who.principal, Permission.PERSONS_CHANGE),
                may_record=may(who.principal, Permission.JOURNEYS_RECORD),
                key=uuid.uuid4().hex, **await _templates_of(request, person["programme_id"]))


async def _templates_of(request: Request, programme_id: str) -> dict[str, dict[str, str]]:
    """The programme's interview questions and selection criteria, as a step's form asks them."""
    programme = await request.app.state.services.programmes.one(programme_id)
    return {"questions": programme.interview_questions,
            "criteria": {**{name: name for name in REQUIRED_CRITERIA}, **programme.selection_criteria}}


async def record_step(request: Request, role: str, person_id: PersonId, slug: Annotated[str, Path(max_length=40)],
                      who: Reader, form: Form) -> Response:
    require(who.principal, Permission.JOURNEYS_RECORD)
    step_form = JOURNEY_FORMS.get(slug)
    if step_form is None:
        raise NotFound("web.form_unknown")
    try:
        payload, occurred_at = parsed_now(request, step_form, form)
    except FormInvalid as invalid:  # asked again, with the programme's questions and criteria
        person = await request.app.state.services.persons.get(role, person_id, who.principal)
        return form_page(request, step_form, f"/app/{role}s/{person_id}/steps/{slug}", f"/app/{role}s/{person_id}",
                         shown_again(form), invalid.errors, **await _templates_of(request, person["programme_id"]))
    await request.app.state.services.persons.command(role, person_id, step_form.command, payload, who.principal,
                                                     idempotency_key(form), occurred_at)
    return see_other(f"/app/{role}s/{person_id}")


@router.get("/people/{person_id}")
async def any_person(request: Request, person_id: PersonId, who: Reader) -> Response:
    """A person named without their role (a task names only the person): their record, if the viewer may see it."""
    for role in ROLES:
        try:
            await request.app.state.services.persons.get(role, person_id, who.principal)
        except NotFound:
            continue
        return see_other(f"/app/{role}s/{person_id}")
    raise NotFound("web.person_not_found")


for _role in ("mentor", "mentee"):
    router.get(f"/pipelines/{_role}s")(for_role(_role, pipeline_page))
    router.get(f"/{_role}s/{{person_id}}")(for_role(_role, person_page))
    router.post(f"/{_role}s/{{person_id}}/steps/{{slug}}")(for_role(_role, record_step))
