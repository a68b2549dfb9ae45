"""The journeys before the binôme: a mentor's steps to ready, a mentee's to selection, pauses and departures, the
matching profile, each person's journey as facts, and the pipelines. Parse, call the service, present."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from api import journey_schemas as j
from api.deps import IdempotencyKeyDep, LanguageDep, PersonsDep
from api.fields import PLAIN
from api.presenters import fact_out, person_out, step_label
from api.principal import allowed
from application.persons import Commanded
from domain import persons
from domain.permissions import Permission
from domain.principals import Principal

router = APIRouter(tags=["parcours avant le binôme"])
PersonId = Annotated[str, Path(max_length=64, pattern=PLAIN, description="Identifiant de la personne")]
Recorder = Annotated[Principal, allowed(Permission.JOURNEYS_RECORD)]
Reader = Annotated[Principal, allowed(Permission.JOURNEYS_READ)]


def _result(outcome: Commanded, principal: Principal, language: str, response: Response) -> j.PersonCommandResult:
    if outcome.repeated:
        response.headers["Idempotent-Replayed"] = "true"
    return j.PersonCommandResult(person=person_out(outcome.person, principal, language),
                                 recorded=[fact_out(r) for r in outcome.recorded])


def _command(role: str, path: str, name: str, body_type: type, summary: str) -> None:
    """Registers POST /<role>s/{person_id}/<path>: the body becomes the journey command `name`."""
    async def endpoint(person_id: PersonId, body: body_type, service: PersonsDep,  # type: ignore[valid-type]
                       principal: Recorder, key: IdempotencyKeyDep, language: LanguageDep,
                       response: Response) -> j.PersonCommandResult:
        payload = body.model_dump(exclude={"occurred_at"}, exclude_unset=True)
        outcome = await service.command(role, person_id, name, payload, principal, key, body.occurred_at)
        return _result(outcome, principal, language, response)

    endpoint.__name__ = name
    router.post(f"/{role}s/{{person_id}}/{path}", status_code=201, response_model=j.PersonCommandResult,
                summary=summary)(endpoint)


_command("mentor", "information-session", "RecordInformationSession", j.AttendanceIn,
         "Le candidat mentor a assisté à la séance d'information")
_command("mentor", "preparation-interview", "RecordPreparationInterview", j.PreparationInterviewIn,
         "Entretien individuel de préparation du mentor")
_command("mentor", "training", "RecordTraining", j.AttendanceIn, "Le mentor a suivi la formation (prêt à mentorer)")
_command("mentor", "pause", "PauseMentor", j.PauseIn, "Mettre un mentor en pause jusqu'à une date")
_command("mentor", "resume", "ResumeMentor", j.ResumeIn, "Fin anticipée de la pause d'un mentor")
_command("mentor", "departure", "RecordMentorDeparture", j.DepartureIn, "Le mentor quitte le programme")
_command("mentee", "presentation", "RecordPresentation", j.AttendanceIn,
         "Le mentee a assisté à la présentation collective")
_command("mentee", "selection-interview", "RecordSelectionInterview", j.SelectionInterviewIn,
         "Entretien individuel de sélection, sur la grille du programme")
_command("mentee", "selection-decision", "DecideSelection", j.SelectionDecisionIn,
         "Décision de sélection, critère par critère")


def _profile(role: str):
    async def change_profile(person_id: PersonId, body: j.PROFILE_IN[role],  # type: ignore[name-defined]
                             service: PersonsDep, principal: Recorder, key: IdempotencyKeyDep, language: LanguageDep,
                             response: Response) -> j.PersonCommandResult:
        outcome = await service.command(role, person_id, "ChangeMatchingProfile", body.model_dump(exclude_unset=True),
                                        principal, key)
        return _result(outcome, principal, language, response)

    return change_profile


def _journey(role: str):
    async def journey(person_id: PersonId, service: PersonsDep, principal: Reader) -> j.JourneyOut:
        facts = await service.journey(role, person_id, principal)
        return j.JourneyOut(person_id=person_id, facts=[fact_out(r) for r in facts])

    return journey


def _pipeline(role: str):
    async def pipeline(service: PersonsDep, principal: Reader, language: LanguageDep,
                       programme_id: Annotated[str | None, Query(max_length=40, pattern=PLAIN,
                                                                 description="Seulement ce programme")] = None
                       ) -> j.PipelinesOut:
        pipelines = await service.pipeline(role, principal, programme_id)
        return j.PipelinesOut(items=[j.PipelineOut(
            programme_id=p.programme_id, steps=p.steps,
            step_labels={step: step_label(step, language) for step in p.steps}, paused=p.paused,
            stuck_after_days=p.stuck_after_days,
            stuck=[j.StuckPerson(person_id=row["person_id"], name=row["name"], step=row["step"],
                                 step_label=step_label(row["step"], language), since=row["step_since"])
                   for row in p.stuck]) for p in pipelines])

    return pipeline


for _role in persons.ROLES:
    router.patch(f"/{_role}s/{{person_id}}/profile", response_model=j.PersonCommandResult,
                 summary=f"Changer le profil de matching d'un {_role} (un fait)")(_profile(_role))
    router.get(f"/{_role}s/{{person_id}}/journey", response_model=j.JourneyOut,
               summary=f"Le parcours d'un {_role} : tous ses faits")(_journey(_role))
    router.get(f"/pipelines/{_role}s", response_model=j.PipelinesOut,
               summary=f"Les {_role}s à chaque étape, et qui attend depuis trop longtemps")(_pipeline(_role))
