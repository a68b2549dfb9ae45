"""Sessions (information sessions, trainings, presentations, community meetings): the list and the form that plans
one, one session with its registrations (a person registered, a registration taken back), and its attendance
recorded from the list of those registered. The forms call the API's service with the API's own input models."""

import uuid
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from api import cursors
from api import session_schemas as ss
from api.errors import STATUS_BY_KIND
from domain import sessions
from domain.errors import InvalidInput, NotAllowed
from domain.permissions import Permission, may, require
from domain.sessions import Schedule
from web.forms import CommandForm, Field, FormInvalid, beside, idempotency_key, parsed_now, shown_again
from web.guard import Form, Viewer, programmes_to_work_in, staff_with
from web.render import form_page, page, see_other

router = APIRouter(prefix="/sessions")
Reader = Annotated[Viewer, staff_with(Permission.JOURNEYS_READ)]
SessionId = Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
PAGE_SIZE = 50
SessionCursor = cursors.parameter("sessions", ("", ""))
# The list starts a little in the past: last week's sessions may still wait for their attendance.
SHOWN_BEFORE = timedelta(days=14)
# The persons offered for a registration: the first ones by name (a select longer than this helps nobody).
CANDIDATES = 500
SESSION_FORMS = {form.slug: form for form in (
    CommandForm("plan-session", "ScheduleSession", ss.SessionIn, (
        Field("kind", "select", tuple(sessions.KINDS), True, labels="session."),
        Field("programme_id", "option", required=True), Field("starts_at", "moment", required=True),
        Field("capacity", "number", required=True, low=sessions.CAPACITY[0], high=sessions.CAPACITY[1],
              label="web.field.seats"),
        Field("duration_minutes", "number", high=600), Field("title", "text", label="web.field.session_title"),
        Field("place", "text"),
        Field("video_link", "text")), dated=False),
    CommandForm("session-registration", "RegisterForSession", ss.RegistrationIn,
                (Field("person_id", "option", required=True),), dated=False),
    CommandForm("session-cancellation", "CancelSessionRegistration", ss.RegistrationIn,
                (Field("person_id", "option", required=True),), dated=False),
)}
PLAN, REGISTRATION, CANCELLATION = (SESSION_FORMS[slug] for slug in ("plan-session", "session-registration",
                                                                     "session-cancellation"))


@router.get("")
async def sessions_page(request: Request, who: Reader,
                        after: SessionCursor = None) -> HTMLResponse:
    listed = await request.app.state.services.sessions.page(
        who.principal, PAGE_SIZE, after, who.programme_id, starting_from=datetime.now(timezone.utc) - SHOWN_BEFORE)
    next_cursor = cursors.encode("sessions", listed.next_after) if listed.next_after else None
    programmes = programmes_to_work_in(request, who) if may(who.principal, Permission.JOURNEYS_RECORD) else []
    return page(request, "sessions.html", sessions=listed.items, next_cursor=next_cursor, plan_form=PLAN,
                options={"programme_id": programmes}, key=uuid.uuid4().hex)


@router.post("")
async def plan_session(request: Request, who: Reader, form: Form) -> Response:
    require(who.principal, Permission.JOURNEYS_RECORD)
    status = 422
    try:
        payload, _ = parsed_now(request, PLAN, form)
        recorded = await request.app.state.services.sessions.schedule(_schedule(payload), who.principal,
                                                                      idempotency_key(form))
    except FormInvalid as invalid:
        errors = invalid.errors
    except (InvalidInput, NotAllowed) as refused:  # a place or a link missing, a date too far: beside it
        errors, status = beside(PLAN, refused), STATUS_BY_KIND[refused.kind]
    else:
        return see_other(f"/app/sessions/{recorded.session['session_id']}")
    return form_page(request, PLAN, "/app/sessions", "/app/sessions", shown_again(form), errors,
                     {"programme_id": programmes_to_work_in(request, who)}, status)


@router.get("/{session_id}")
async def session_page(request: Request, session_id: SessionId, who: Reader) -> HTMLResponse:
    found = await request.app.state.services.sessions.get(session_id, who.principal)
    begun = found["starts_at"] <= datetime.now(timezone.utc)
    # Registrations change until the attendance is recorded (the service refuses them after).
    may_change = may(who.principal, Permission.JOURNEYS_RECORD) and found["attended"] is None
    candidates = await _candidates(request, who, found) if may_change else []
    return page(request, "one_session.html", planned=found, begun=begun, key=f"attendance-{session_id}"[:64],
                may_change=may_change, register_form=REGISTRATION, cancel_form=CANCELLATION,
                options={"person_id": candidates}, fresh=uuid.uuid4().hex)


@router.post("/{session_id}/attendance")
async def record_attendance(request: Request, session_id: SessionId, who: Reader, form: Form) -> Response:
    require(who.principal, Permission.JOURNEYS_RECORD)
    attended = sorted({str(person) for person in form.getlist("attended")})
    await request.app.state.services.sessions.record_attendance(session_id, attended, who.principal,
                                                                idempotency_key(form))
    return see_other(f"/app/sessions/{session_id}")


@router.post("/{session_id}/registrations")
async def register(request: Request, session_id: SessionId, who: Reader, form: Form) -> Response:
    """A seat, or the waiting list when the session is full; the service's refusals are the error pages."""
    return await _change_registration(request, session_id, who, form, REGISTRATION, "registrations", _candidates)


@router.post("/{session_id}/cancellations")
async def cancel(request: Request, session_id: SessionId, who: Reader, form: Form) -> Response:
    """A registration taken back: its seat goes to the first on the waiting list."""
    return await _change_registration(request, session_id, who, form, CANCELLATION, "cancellations", _registered)


async def _change_registration(request: Request, session_id: str, who: Viewer, form: FormData,
                               change: CommandForm, path: str, choices) -> Response:
    """One person registered or taken off (`change`); a form at fault is shown again with `choices`."""
    require(who.principal, Permission.JOURNEYS_RECORD)
    service = request.app.state.services.sessions
    try:
        payload, _ = parsed_now(request, change, form)
    except FormInvalid as invalid:
        found = await service.get(session_id, who.principal)
        return form_page(request, change, f"/app/sessions/{session_id}/{path}", f"/app/sessions/{session_id}",
                         shown_again(form), invalid.errors, {"person_id": await choices(request, who, found)})
    act = service.register if change is REGISTRATION else service.cancel
    await act(session_id, payload["person_id"], who.principal, idempotency_key(form))
    return see_other(f"/app/sessions/{session_id}")


async def _candidates(request: Request, who: Viewer, found: dict[str, Any]) -> list[tuple[str, str]]:
    """Who may still register: the programme's persons of the session's role, not registered now, still there."""
    registered = {r["person_id"] for r in found["registrations"] if r["status"] != sessions.CANCELLED}
    listed = await request.app.state.services.persons.page(sessions.KINDS[found["kind"]], who.principal, CANDIDATES,
                                                           None, found["programme_id"])
    return [(person["person_id"], person["name"]) for person in listed.items
            if person["person_id"] not in registered and person["step"] != "departed"]


async def _registered(request: Request, who: Viewer, found: dict[str, Any]) -> list[tuple[str, str]]:
    """Who may be taken off: those registered now (a seat or the waiting list)."""
    return [(r["person_id"], r["name"] or r["person_id"]) for r in found["registrations"]
            if r["status"] != sessions.CANCELLED]


def _schedule(payload: dict[str, Any]) -> Schedule:
    """The service's Schedule from the checked payload, as the API builds it from SessionIn."""
    return Schedule(payload["programme_id"], payload["kind"], datetime.fromisoformat(payload["starts_at"]),
                    payload["capacity"], payload["duration_minutes"], payload["title"], payload["place"] or "",
                    payload["video_link"] or "")
