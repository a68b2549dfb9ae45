"""Sessions (information sessions, trainings, presentations, community meetings): the list, one session with its
registrations, and its attendance recorded from the list of those registered."""

from datetime import datetime, timedelta, timezone
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from api import cursors
from domain.permissions import Permission, require
from web.forms import idempotency_key
from web.guard import Form, Viewer, staff_with
from web.render import page, see_other

router = APIRouter(prefix="/sessions")
Reader = Annotated[Viewer, staff_with(Permission.JOURNEYS_READ)]
SessionId = Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
PAGE_SIZE = 50
SessionCursor = cursors.parameter("sessions", ("", ""))
# The list starts a little in the past: last week's sessions may still wait for their attendance.
SHOWN_BEFORE = timedelta(days=14)


@router.get("")
async def sessions_page(request: Request, who: Reader,
                        after: SessionCursor = None) -> HTMLResponse:
    listed = await request.app.state.services.sessions.page(
        who.principal, PAGE_SIZE, after, who.programme_id, starting_from=datetime.now(timezone.utc) - SHOWN_BEFORE)
    next_cursor = cursors.encode("sessions", listed.next_after) if listed.next_after else None
    return page(request, "sessions.html", sessions=listed.items, next_cursor=next_cursor)


@router.get("/{session_id}")
async def session_page(request: Request, session_id: SessionId, who: Reader) -> HTMLResponse:
    found = await request.app.state.services.sessions.get(session_id, who.principal)
    begun = found["starts_at"] <= datetime.now(timezone.utc)
    return page(request, "one_session.html", planned=found, begun=begun,
                key=f"attendance-{session_id}"[:64])


@router.post("/{session_id}/attendance")
async def record_attendance(request: Request, session_id: SessionId, who: Reader, form: Form) -> Response:
    require(who.principal, Permission.JOURNEYS_RECORD)
    attended = sorted({str(person) for person in form.getlist("attended")})
    await request.app.state.services.sessions.record_attendance(session_id, attended, who.principal,
                                                                idempotency_key(form))
    return see_other(f"/app/sessions/{session_id}")
