"""The log of personal-data reads, for administrators answering a data-subject access request: who read whose
personal data, and when (newest first)."""

from typing import Annotated

from fastapi import APIRouter, Query

from api import access_schemas as a
from api import cursors
from api.deps import DataReadsDep
from api.fields import PLAIN
from api.principal import allowed
from domain.permissions import Permission
from domain.principals import Principal

router = APIRouter(prefix="/audit", tags=["audit"])
LIST = "audit/personal-data-reads"  # a cursor names its list: here, by its path
Auditor = Annotated[Principal, allowed(Permission.AUDIT_READ)]
ReadCursor = cursors.parameter(LIST, ("2026-01-05T09:00:00.000000Z",
                                                       "6d1f1f43-5b9b-4a1c-8f4e-2f0e4f0b1a11/1b4e28ba"))


@router.get("/personal-data-reads", response_model=a.DataReadPage, dependencies=cursors.NO_OFFSET,
            summary="Qui a lu les données personnelles de qui, et quand")
async def personal_data_reads(reads: DataReadsDep, principal: Auditor,
                              person_id: Annotated[str | None, Query(max_length=64, pattern=PLAIN,
                                                                     description="Seulement les lectures de cette personne")] = None,
                              reader: Annotated[str | None, Query(max_length=100, pattern=PLAIN,
                                                                  description="Seulement ce lecteur ('staff:<compte>', …)")] = None,
                              limit: Annotated[int, Query(ge=1, le=500)] = 100,
                              after: ReadCursor = None) -> a.DataReadPage:
    page = await reads.page(person_id, reader, limit, after)
    return a.DataReadPage(items=[a.DataReadOut(**{k: row[k] for k in ("person_id", "reader", "what", "read_at")})
                                 for row in page.items], **cursors.page_fields(page, LIST, limit))
