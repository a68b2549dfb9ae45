"""The Temporal UI's remote codec endpoint: workflow histories hold encrypted payloads (mentorat/payload_codec.py),
and administrators who logged in see them decrypted in the UI through `/codec/decode` (payloads hold every
programme's binômes: no narrower scope fits them). Nobody else can read them."""

from typing import Annotated, Any

from fastapi import APIRouter, Request, Security
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.principal import codec_principal
from domain.errors import InvalidInput, NotAllowed
from domain.permissions import Permission
from domain.principals import Principal
from mentorat.payload_codec import KEY_ID, MalformedPayloads, UndecryptablePayload, decode_json, encode_json

router = APIRouter(prefix="/codec", tags=["système"])
Staff = Annotated[Principal, Security(codec_principal, scopes=[Permission.PAYLOADS_DECODE.value])]
# Base64 as protobuf's JSON mapping reads it (standard or URL-safe, padded or not), of a length base64 can have.
Base64 = Annotated[str, StringConstraints(
    pattern=r"^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-]{2}(?:==)?|[A-Za-z0-9+/_-]{3}=?)?$", max_length=4_000_000)]


class EncodedPayload(BaseModel):
    metadata: dict[str, Base64] = {}
    data: Base64 = ""


class CodecPayloads(BaseModel):
    """Temporal's remote codec body: `temporal.api.common.v1.Payloads` in protobuf's JSON mapping."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"payloads": [
        {"metadata": {"encoding": "anNvbi9wbGFpbg=="}, "data": "eyJtb2RlIjoidmlkZW8ifQ=="}]}]})

    payloads: list[EncodedPayload] = Field(max_length=1000)


@router.post("/decode", response_model=CodecPayloads,
             summary="Déchiffrer des payloads Temporal (pour l'interface de Temporal) ; 409 `payload_undecryptable` "
                     "pour une clé qui n'est plus configurée")
async def decode(request: Request, body: CodecPayloads, principal: Staff) -> dict[str, Any]:
    return await _convert(decode_json, request, body)


@router.post("/encode", response_model=CodecPayloads,
             summary="Chiffrer des payloads Temporal (pour l'interface de Temporal)")
async def encode(request: Request, body: CodecPayloads, principal: Staff) -> dict[str, Any]:
    return await _convert(encode_json, request, body)


async def _convert(convert, request: Request, body: CodecPayloads) -> dict[str, Any]:
    try:
        return await convert(request.app.state.services.payload_codec, body.model_dump(exclude_defaults=True))
    except MalformedPayloads:
        raise InvalidInput("payloads_malformed", field="payloads") from None
    except UndecryptablePayload as error:
        # Well formed, but this service cannot open it: a key no longer configured, or altered data.
        # The key id comes from the caller's payload: said back only if it has the shape of one.
        key_id = error.key_id if error.key_id and KEY_ID.fullmatch(error.key_id) else None
        raise NotAllowed("payload_undecryptable", field="payloads", key_id=key_id) from None
