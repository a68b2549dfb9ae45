"""Reading binômes: the list (filters, keyset paging), one binôme, its full history for audits, staff tasks."""

from typing import Annotated

from fastapi import APIRouter, Query

from api import cursors
from api import schemas as s
from api.deps import BinomeIdDep, BinomeQueriesDep, LanguageDep
from api.fields import PLAIN
from api.presenters import binome_out, fact_out, stage_label, task_out
from api.principal import allowed
from domain.permissions import Permission
from domain.principals import Principal
from domain.stages import Stage
from projections.timestamps import from_text

router = APIRouter(tags=["binômes : lecture"])
Limit = Annotated[int, Query(ge=1, le=500)]
BinomeCursor = cursors.parameter("binomes", ("2026-01-05T09:00:00.000000Z", "6d1f1f43-5b9b-4a1c-8f4e-2f0e4f0b1a11"))
TaskCursor = cursors.parameter("tasks", ("2026-01-12T09:00:00.000000Z",
                                         "6d1f1f43-5b9b-4a1c-8f4e-2f0e4f0b1a11/proposal_expired/1"))
PersonId = Annotated[str | None, Query(max_length=64, pattern=PLAIN)]
ProgrammeId = Annotated[str | None, Query(max_length=40, pattern=PLAIN, description="Seulement ce programme")]
Lister = Annotated[Principal, allowed(Permission.BINOMES_LIST)]
Reader = Annotated[Principal, allowed(Permission.BINOMES_READ)]
HistoryReader = Annotated[Principal, allowed(Permission.BINOMES_HISTORY)]
TaskReader = Annotated[Principal, allowed(Permission.TASKS_READ)]


@router.get("/binomes", response_model=s.BinomePage, summary="Liste des binômes", dependencies=cursors.NO_OFFSET)
async def list_binomes(queries: BinomeQueriesDep, principal: Lister, language: LanguageDep, stage: Stage | None = None,
                       overdue: Annotated[bool | None, Query(description="Seulement ceux avec une tâche en retard")] = None,
                       mentor_id: PersonId = None, mentee_id: PersonId = None, programme_id: ProgrammeId = None,
                       limit: Limit = 50, after: BinomeCursor = None) -> s.BinomePage:
    page = await queries.page(principal, stage.value if stage else None, overdue, mentor_id, mentee_id, limit, after,
                              programme_id)
    items = [s.BinomeSummary(binome_id=row.binome_id, stage=row.stage, stage_label=stage_label(row.stage, language),
                             mentor_id=row.mentor_id, mentee_id=row.mentee_id, overdue=row.overdue,
                             next_due_at=from_text(row.next_due_at), version=row.version) for row in page.items]
    return s.BinomePage(items=items, **cursors.page_fields(page, "binomes", limit))


@router.get("/binomes/{binome_id}", response_model=s.BinomeOut, summary="Un binôme : étape, échéances, plan d'actions")
async def get_binome(binome_id: BinomeIdDep, queries: BinomeQueriesDep, principal: Reader,
                     language: LanguageDep) -> s.BinomeOut:
    return binome_out(*await queries.get(binome_id, principal), language)


@router.get("/binomes/{binome_id}/history", response_model=s.History,
            summary="Historique complet (audit) : chaque fait, dans l'ordre, lu dans le journal des événements")
async def history(binome_id: BinomeIdDep, queries: BinomeQueriesDep, principal: HistoryReader,
                  after: Annotated[int, Query(ge=0, le=s.MAX_INDEX, description="Position après laquelle lire")] = 0,
                  limit: Annotated[int, Query(ge=1, le=10000)] = 1000) -> s.History:
    facts = await queries.history(binome_id, after, limit, principal)
    return s.History(binome_id=str(binome_id), facts=[fact_out(f) for f in facts])


@router.get("/tasks", response_model=s.TaskPage, tags=["équipe"], summary="Tâches de l'équipe : ce qui est dû ou en retard",
            dependencies=cursors.NO_OFFSET)
async def tasks(queries: BinomeQueriesDep, principal: TaskReader, language: LanguageDep, overdue: bool | None = None,
                kind: Annotated[str | None, Query(max_length=100, pattern=PLAIN)] = None,
                programme_id: ProgrammeId = None, limit: Limit = 100, after: TaskCursor = None) -> s.TaskPage:
    page = await queries.tasks(principal, overdue, kind, limit, after, programme_id)
    return s.TaskPage(items=[task_out(t, language) for t in page.items], **cursors.page_fields(page, "tasks", limit))
