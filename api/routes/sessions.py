"""Sessions: information sessions, trainings, presentations and community meetings; registrations with a waiting
list, cancellations, attendance (which moves people along their journey). Parse, call the service, present."""

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response

from api import cursors
from api import session_schemas as ss
from api.deps import IdempotencyKeyDep, LanguageDep, SessionsDep
from api.fields import PLAIN, Moment
from api.principal import allowed
from application.sessions import Recorded
from domain import sessions
from domain.permissions import Permission
from domain.principals import Principal
from domain.sessions import Schedule
import i18n

router = APIRouter(prefix="/sessions", tags=["séances"])
SessionId = Annotated[str, Path(max_length=64, pattern=PLAIN, description="Identifiant de la séance")]
Recorder = Annotated[Principal, allowed(Permission.JOURNEYS_RECORD)]
Reader = Annotated[Principal, allowed(Permission.JOURNEYS_READ)]
SessionCursor = cursors.parameter("sessions", ("2026-03-10T17:00:00.000000Z", "3f6b1d2e-8c4a-4b7e-9a1f-6e2d5c8b7a90"))


def _session_out(row: dict, language: str) -> ss.SessionOut:
    return ss.SessionOut(**ss.summary_fields(row, _kind_label(row["kind"], language)),
                         registrations=[ss.RegistrationOut(**{name: r[name] for name in ss.RegistrationOut.model_fields})
                                        for r in row["registrations"]])


def _kind_label(kind: str, language: str) -> str:
    return i18n.render(f"session.{kind}", None, language)


def _answer(recorded: Recorded, language: str, response: Response) -> ss.SessionOut:
    if recorded.repeated:
        response.headers["Idempotent-Replayed"] = "true"
    return _session_out(recorded.session, language)


@router.post("", status_code=201, response_model=ss.SessionOut, summary="Planifier une séance")
async def schedule(body: ss.SessionIn, service: SessionsDep, principal: Recorder, key: IdempotencyKeyDep,
                   language: LanguageDep, response: Response) -> ss.SessionOut:
    planned = Schedule(body.programme_id, body.kind, body.starts_at, body.capacity, body.duration_minutes,
                       body.title, body.place or "", body.video_link or "")
    recorded = await service.schedule(planned, principal, key)
    response.headers["Location"] = f"/sessions/{recorded.session['session_id']}"
    return _answer(recorded, language, response)


@router.get("", response_model=ss.SessionPage, summary="Les séances, les plus proches d'abord",
            dependencies=cursors.NO_OFFSET)
async def list_sessions(service: SessionsDep, principal: Reader, language: LanguageDep,
                        kind: Annotated[Literal[tuple(sessions.KINDS)] | None, Query()] = None,
                        programme_id: Annotated[str | None, Query(max_length=40, pattern=PLAIN,
                                                                  description="Seulement ce programme")] = None,
                        starting_from: Annotated[Moment | None, Query(
                            alias="from", description="Seulement celles qui commencent à ce moment ou après.")] = None,
                        person_id: Annotated[str | None, Query(max_length=64, pattern=PLAIN, description=(
                            "Seulement celles où cette personne est inscrite (une place ou la liste d'attente)."))
                        ] = None,
                        limit: Annotated[int, Query(ge=1, le=500)] = 50,
                        after: SessionCursor = None) -> ss.SessionPage:
    page = await service.page(principal, limit, after, programme_id, kind, starting_from, person_id)
    return ss.SessionPage(items=[ss.SessionSummary(**ss.summary_fields(row, _kind_label(row["kind"], language)))
                                 for row in page.items], **cursors.page_fields(page, "sessions", limit))


@router.get("/{session_id}", response_model=ss.SessionOut, summary="Une séance, ses inscrits et leur présence")
async def one(session_id: SessionId, service: SessionsDep, principal: Reader, language: LanguageDep) -> ss.SessionOut:
    return _session_out(await service.get(session_id, principal), language)


@router.post("/{session_id}/registrations", status_code=201, response_model=ss.SessionOut,
             summary="Inscrire une personne (une place, ou la liste d'attente quand c'est complet)")
async def register(session_id: SessionId, body: ss.RegistrationIn, service: SessionsDep, principal: Recorder,
                   key: IdempotencyKeyDep, language: LanguageDep, response: Response) -> ss.SessionOut:
    return _answer(await service.register(session_id, body.person_id, principal, key), language, response)


@router.post("/{session_id}/cancellations", status_code=201, response_model=ss.SessionOut,
             summary="Désinscrire une personne (sa place va au premier de la liste d'attente)")
async def cancel(session_id: SessionId, body: ss.RegistrationIn, service: SessionsDep, principal: Recorder,
                 key: IdempotencyKeyDep, language: LanguageDep, response: Response) -> ss.SessionOut:
    return _answer(await service.cancel(session_id, body.person_id, principal, key), language, response)


@router.post("/{session_id}/attendance", status_code=201, response_model=ss.SessionOut,
             summary="Enregistrer les présences (chaque présent avance dans son parcours)")
async def attendance(session_id: SessionId, body: ss.AttendanceListIn, service: SessionsDep, principal: Recorder,
                     key: IdempotencyKeyDep, language: LanguageDep, response: Response) -> ss.SessionOut:
    return _answer(await service.record_attendance(session_id, body.attended, principal, key), language, response)
