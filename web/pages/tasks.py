"""Today's tasks: what is due or late in the chosen programme, each beside the form that records what was done."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api import cursors
from domain.permissions import Permission
from domain.stages import Stage
from domain.tasks import TASK_KINDS
from projections.timestamps import from_text
from web.forms import FORMS, TASK_FORMS
from web.guard import Viewer, staff_with
from web.render import page

router = APIRouter()
Staff = Annotated[Viewer, staff_with(Permission.TASKS_READ)]
PAGE_SIZE = 50
TaskCursor = cursors.parameter("tasks", ("", ""))
WAITING_STAGES = (Stage.PROPOSED, Stage.EVALUATION)


@router.get("/tasks")
async def tasks_page(request: Request, who: Staff,
                     kind: Annotated[str | None, Query(max_length=40)] = None,
                     overdue: Annotated[bool | None, Query()] = None,
                     after: TaskCursor = None,
                     done: Annotated[str | None, Query(max_length=40)] = None) -> HTMLResponse:
    services = request.app.state.services
    kind = kind if kind in TASK_KINDS else None
    queries = services.binome_queries
    listed = await queries.tasks(who.principal, overdue, kind, PAGE_SIZE, after, who.programme_id)
    pairs = await queries.pairs({t.binome_id for t in listed.items if t.binome_id})
    # Besides the tasks: the proposals waiting for their mentor's answer, the evaluations being collected.
    waiting = {stage: (await queries.page(who.principal, stage.value, None, None, None, PAGE_SIZE,
                                          programme_id=who.programme_id)).items if after is None else []
               for stage in WAITING_STAGES}
    people = {person for pair in pairs.values() for person in pair} | {t.person_id for t in listed.items} | {
        person for rows in waiting.values() for row in rows for person in (row.mentor_id, row.mentee_id)}
    names = await queries.names(who.principal, people, "web.tasks")
    rows = [{"task": task, "pair": pairs.get(task.binome_id or "", (None, None)),
             "forms": [FORMS[slug] for slug in TASK_FORMS.get(task.kind, ())]} for task in listed.items]
    next_cursor = cursors.encode("tasks", listed.next_after) if listed.next_after else None
    return page(request, "tasks.html", rows=rows, names=names, total=listed.total, kinds=TASK_KINDS, kind=kind,
                overdue=overdue, next_cursor=next_cursor, done=FORMS.get(done or ""),
                new_key=lambda: uuid.uuid4().hex,
                waiting=[(stage.value, [{"row": row, "next_due_at": from_text(row.next_due_at)} for row in rows])
                         for stage, rows in waiting.items() if rows])
