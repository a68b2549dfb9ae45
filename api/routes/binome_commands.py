"""Every lifecycle command of a binôme, from the proposal to the evaluations: parse, call the service, present."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Response

from api import schemas as s
from api.deps import BinomeCommandsDep, BinomeIdDep, IdempotencyKeyDep
from api.fields import PLAIN
from api.presenters import fact_out
from api.principal import allowed
from application.binomes import Accepted, BinomeCommands
from domain.permissions import Permission
from domain.principals import Principal

router = APIRouter(prefix="/binomes", tags=["binômes : commandes"])
Proposer = Annotated[Principal, allowed(Permission.BINOMES_PROPOSE)]
Sender = Annotated[Principal, allowed(Permission.BINOMES_COMMAND)]
ActionId = Annotated[str, Path(max_length=64, pattern=PLAIN, description="L'action du plan (son action_id)")]


async def _run(commands: BinomeCommands, binome_id: UUID, name: str, body: s.CommandInput, principal: Principal,
               key: str | None, response: Response, **extra) -> s.CommandResult:
    payload = {**body.model_dump(mode="json", exclude={"occurred_at"}), **extra}
    accepted = await commands.send(binome_id, name, payload, principal, key, body.occurred_at)
    return _result(accepted, response)


def _result(accepted: Accepted, response: Response) -> s.CommandResult:
    if accepted.repeated:
        response.headers["Idempotent-Replayed"] = "true"
    return s.CommandResult(binome_id=accepted.binome_id, recorded=[fact_out(f) for f in accepted.facts])


@router.post("", status_code=201, response_model=s.CommandResult, summary="Proposer un mentee à un mentor")
async def propose(body: s.ProposalIn, commands: BinomeCommandsDep, principal: Proposer, key: IdempotencyKeyDep,
                  response: Response) -> s.CommandResult:
    payload = body.model_dump(mode="json", exclude={"occurred_at"})
    accepted = await commands.propose(payload, principal, key, body.occurred_at)
    response.headers["Location"] = f"/binomes/{accepted.binome_id}"
    return _result(accepted, response)


def _command(path: str, name: str, body_type: type, summary: str) -> None:
    """Registers POST `path`: the body becomes the domain command `name`."""
    async def endpoint(binome_id: BinomeIdDep, body: body_type, commands: BinomeCommandsDep,  # type: ignore[valid-type]
                       principal: Sender, key: IdempotencyKeyDep, response: Response) -> s.CommandResult:
        return await _run(commands, binome_id, name, body, principal, key, response)

    endpoint.__name__ = name
    router.post(path, status_code=201, response_model=s.CommandResult, summary=summary)(endpoint)


_command("/{binome_id}/proposal/accept", "AcceptProposal", s.AcceptIn, "Le mentor accepte la proposition")
_command("/{binome_id}/proposal/refuse", "RefuseProposal", s.RefusalIn, "Le mentor refuse la proposition")
_command("/{binome_id}/first-meeting", "RecordFirstMeeting", s.FirstMeetingIn, "Enregistrer la première rencontre")
_command("/{binome_id}/validations", "RecordValidation", s.ValidationIn, "Validation (ou refus) du mentor ou du mentee")
_command("/{binome_id}/contract/signatures", "SignContract", s.SignatureIn, "Signature du contrat tripartite")
_command("/{binome_id}/intake/analysis", "RecordAnalysis", s.AnalysisIn, "Analyse des forces et faiblesses")
_command("/{binome_id}/action-plan", "AgreeActionPlan", s.ActionPlanIn, "Plan d'actions co-construit")
_command("/{binome_id}/actions", "AddAction", s.NewActionIn, "Ajouter une action au plan")
_command("/{binome_id}/meetings", "RecordMeeting", s.MeetingIn,
         "Rencontre tenue (intégrations : avec un en-tête Idempotency-Key)")
_command("/{binome_id}/contacts", "LogContact", s.ContactIn, "Contact entre deux rencontres")
_command("/{binome_id}/monitoring-contacts", "RecordMonitoringContact", s.MonitoringContactIn,
         "Contact de suivi par l'équipe (toutes les six semaines)")
_command("/{binome_id}/exit/positive", "RecordPositiveExit", s.PositiveExitIn, "Sortie positive")
_command("/{binome_id}/exit/early-stop", "RecordEarlyStop", s.EarlyStopIn, "Arrêt anticipé")
_command("/{binome_id}/closure-meeting", "RecordClosureMeeting", s.ClosureMeetingIn, "Réunion de clôture")
_command("/{binome_id}/evaluations", "RecordEvaluation", s.EvaluationIn, "Évaluation qualitative d'un côté")


@router.patch("/{binome_id}/actions/{action_id}", response_model=s.CommandResult, summary="Mettre à jour une action")
async def update_action(binome_id: BinomeIdDep, action_id: ActionId, body: s.ActionChangeIn,
                        commands: BinomeCommandsDep, principal: Sender, key: IdempotencyKeyDep,
                        response: Response) -> s.CommandResult:
    return await _run(commands, binome_id, "UpdateAction", body, principal, key, response, action_id=action_id)
