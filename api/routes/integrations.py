"""Integrations: administrators register them and rotate their signing secrets; the integrations themselves
deliver what they saw (a meeting held) as Standard Webhooks, signed with one of their secrets.

A delivery is `POST /integrations/{id}/deliveries` with the headers `webhook-id`, `webhook-timestamp` and
`webhook-signature` and a body `{"type": "meeting.held", "timestamp": "…", "data": {"binome_id": "…", …}}`. An
unsigned, badly signed or stale delivery (outside the tolerance) is a 401 before its body is parsed; the
`webhook-id` is the command's idempotency key, so a redelivery records nothing new.
"""

from typing import Annotated

from fastapi import APIRouter, Header, Path, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter, ValidationError

from api import access_schemas as a
from api import schemas as s
from api.deps import BinomeCommandsDep, IntegrationsDep
from api.presenters import fact_out
from api.principal import allowed
from domain.errors import Unauthenticated
from domain.integrations import INTEGRATION_ID
from domain.permissions import Permission
from domain.principals import Principal

router = APIRouter(prefix="/integrations", tags=["intégrations"])
Administrator = Annotated[Principal, allowed(Permission.INTEGRATIONS_MANAGE)]
IntegrationId = Annotated[str, Path(pattern=INTEGRATION_ID.pattern, description="L'intégration")]
SecretId = Annotated[str, Path(pattern=r"^[0-9a-f]{1,32}$", description="Le secret")]


@router.post("", status_code=201, response_model=a.IntegrationSecret,
             summary="Déclarer une intégration (son premier secret est renvoyé une fois)")
async def register(body: a.IntegrationIn, integrations: IntegrationsDep, principal: Administrator,
                   response: Response) -> a.IntegrationSecret:
    integration, secret = await integrations.register(body.integration_id, body.name, body.programmes, body.binomes,
                                                      principal.actor)
    response.headers["Location"] = f"/integrations/{body.integration_id}"
    return _with_secret(integration, secret)


@router.get("/{integration_id}", response_model=a.IntegrationOut, summary="Une intégration")
async def get_integration(integration_id: IntegrationId, integrations: IntegrationsDep,
                          principal: Administrator) -> a.IntegrationOut:
    return a.IntegrationOut(**await integrations.get(integration_id))


@router.post("/{integration_id}/secrets", status_code=201, response_model=a.IntegrationSecret,
             summary="Ajouter un secret (rotation : deux secrets valent à la fois, au plus)")
async def add_secret(integration_id: IntegrationId, integrations: IntegrationsDep,
                     principal: Administrator) -> a.IntegrationSecret:
    integration, secret = await integrations.add_secret(integration_id, principal.actor)
    return _with_secret(integration, secret)


@router.delete("/{integration_id}/secrets/{secret_id}", response_model=a.IntegrationOut,
               summary="Révoquer un secret (il en reste toujours un)")
async def revoke_secret(integration_id: IntegrationId, secret_id: SecretId, integrations: IntegrationsDep,
                        principal: Administrator) -> a.IntegrationOut:
    return a.IntegrationOut(**await integrations.revoke_secret(integration_id, secret_id, principal.actor))


def _with_secret(integration: dict, secret: tuple[str, str]) -> a.IntegrationSecret:
    secret_id, value = secret
    return a.IntegrationSecret(**integration, secret_id=secret_id, secret=value)


# --- deliveries ----------------------------------------------------------------------------------------

DELIVERY = TypeAdapter(a.Delivery)
COMMANDS = {"meeting.held": "RecordMeeting", "first_meeting.held": "RecordFirstMeeting"}


@router.post("/{integration_id}/deliveries", status_code=201, response_model=s.CommandResult,
             summary="Livraison signée d'une intégration (Standard Webhooks) : une rencontre tenue",
             openapi_extra={"x-mentorat-public": True, "requestBody": {"required": True, "content": {
                 "application/json": {"schema": DELIVERY.json_schema(ref_template="#/components/schemas/{model}")}}}})
async def deliver(integration_id: IntegrationId, request: Request, response: Response, integrations: IntegrationsDep,
                  commands: BinomeCommandsDep,
                  webhook_id: Annotated[str | None, Header(min_length=1, max_length=200, pattern=r"^[!-~]+$")] = None,
                  webhook_timestamp: Annotated[str | None, Header(max_length=20)] = None,
                  webhook_signature: Annotated[str | None, Header(max_length=2000)] = None) -> s.CommandResult:
    if webhook_id is None or webhook_timestamp is None or webhook_signature is None:
        raise Unauthenticated("signature_invalid")  # unsigned: nobody we know sent it
    body = await request.body()
    headers = {"webhook-id": webhook_id, "webhook-timestamp": webhook_timestamp,
               "webhook-signature": webhook_signature}
    principal = await integrations.verify(integration_id, body, headers)
    try:
        delivery = DELIVERY.validate_json(body)
    except ValidationError as error:
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in error.errors()]) from None
    data = delivery.data
    payload = data.model_dump(mode="json", exclude={"occurred_at", "binome_id"})
    accepted = await commands.send(data.binome_id, COMMANDS[delivery.type], payload, principal,
                                   f"webhook/{integration_id}/{webhook_id}", data.occurred_at)
    if accepted.repeated:
        response.headers["Idempotent-Replayed"] = "true"
    return s.CommandResult(binome_id=accepted.binome_id, recorded=[fact_out(f) for f in accepted.facts])
