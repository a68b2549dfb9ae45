"""The OpenAPI document tells the truth about errors: every operation lists the error answers it can give.

Written once for all routes, from what an operation is: a command (POST/PATCH: the edge's guards on bodies, the
rules, the store and Temporal) or a read; with an id in its path (404); for whom: its OAuth2 requirement names the
permission it needs as its scope (api.principal.allowed), copied to `x-mentorat-permission` ("account": any account, for its
own password): 401 without a valid token, 403 for a role without it. A route anyone may call has no requirement and
says `x-mentorat-public` (logging in, signed deliveries, health); the route × role tests read both.
Every error answer has the body `api.errors` renders (ErrorBody); 429 and 503 say when to come back (Retry-After);
a command's success may be a repeat (Idempotent-Replayed).
"""

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, Field

COMMAND_METHODS = frozenset({"post", "put", "patch", "delete"})
ERROR_BODY = "ErrorBody"


class ErrorItem(BaseModel):
    code: str = Field(description="Ce qui ne va pas, comme code stable (la clé du message).")
    message: str = Field(description="Le message, dans la langue d'Accept-Language (fr par défaut, nl, en).")
    params: dict[str, Any] = Field(description="Les valeurs que le message cite.")
    field: str | None = Field(description="Le champ, paramètre ou en-tête en cause, s'il y en a un.")


class ErrorBody(ErrorItem):
    errors: list[ErrorItem] = Field(
        description="Pour un 422 : chaque champ en cause (le premier est repris au-dessus).")

    model_config = {"json_schema_extra": {"examples": [{
        "code": "contract_before_validations",
        "message": "Le contrat ne peut pas être signé avant les deux validations.",
        "params": {}, "field": None, "errors": []}]}}


ERRORS: dict[int, str] = {
    401: "Jeton absent, invalide ou expiré (POST /auth/token), ou livraison mal signée : authentification requise.",
    403: "Son rôle ne le permet pas (`role_may_not`), l'autre côté du binôme (`not_your_side`), une commande "
         "réservée à un autre rôle, ou un mot de passe à changer d'abord.",
    404: "Ce que l'adresse ou le corps désigne n'existe pas.",
    409: "Une règle du programme refuse la commande maintenant (l'étape du binôme, une autre inscription, …).",
    413: "Corps trop grand.",
    415: "Le corps n'est pas du JSON.",
    422: "Entrée invalide : `field` nomme le champ en cause, `errors` les liste tous.",
    429: "Trop de requêtes : rien n'a été enregistré ; réessayer après Retry-After secondes (même Idempotency-Key).",
    503: "Service momentanément indisponible (base de données, Temporal) : réessayer après Retry-After secondes. "
         "Pour une commande (code `command_pending`), elle a peut-être été enregistrée : la renvoyer avec la même "
         "Idempotency-Key ne l'enregistre qu'une fois.",
}
# Who may call an operation, besides its permission: any account (its own password), or anyone at all.
ANY_ACCOUNT = "account"
PUBLIC = "x-mentorat-public"
PERMISSION = "x-mentorat-permission"
COMMAND_ERRORS = (404, 409, 413, 415, 422, 429, 503)
READ_ERRORS = (422, 429, 503)
RETRY_AFTER = {"Retry-After": {"description": "Dans combien de secondes réessayer.",
                               "schema": {"type": "integer", "minimum": 1}}}
REPLAYED = {"Idempotent-Replayed": {
    "description": "`true` quand la réponse est celle d'une requête déjà reçue (même Idempotency-Key et même corps) : "
                   "rien de nouveau n'a été enregistré.",
    "schema": {"type": "string", "enum": ["true"]}}}
LOCATION = {"Location": {"description": "L'adresse de ce qui a été créé.", "schema": {"type": "string"}}}


def _not_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A parameter is left out, never null: FastAPI's `anyOf: [X, null]` for an optional one becomes X."""
    branches = [b for b in schema.get("anyOf", []) if b.get("type") != "null"]
    if len(branches) != 1 or len(schema["anyOf"]) != 2:
        return schema
    rest = {key: value for key, value in schema.items() if key != "anyOf"}
    return {**branches[0], **rest}


def install_openapi(app: FastAPI) -> None:
    """`app.openapi()` returns FastAPI's document with the error answers written in (built once)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if not getattr(app.state, "openapi_documented", False):
            document_errors(generate())
            app.state.openapi_documented = True
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    body = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(body.pop("$defs", {}))
    components[ERROR_BODY] = body
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            _hoist_definitions(operation, components)
            for requirement in operation.get("security", []):
                for scopes in requirement.values():
                    operation[PERMISSION] = scopes[0] if scopes else ANY_ACCOUNT
            _document(path, method, operation)
    # FastAPI's own 422 body ({"detail": [...]}) is never sent: every 422 is an ErrorBody.
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    return schema


def _hoist_definitions(operation: dict[str, Any], components: dict[str, Any]) -> None:
    """A body schema written by hand (a signed delivery, read raw) brings its models as `$defs`, referred to as
    components: they become components, so every `$ref` of the document resolves."""
    for content in operation.get("requestBody", {}).get("content", {}).values():
        components.update(content.get("schema", {}).pop("$defs", {}))


def _document(path: str, method: str, operation: dict[str, Any]) -> None:
    parameters = operation.get("parameters", [])
    for parameter in parameters:
        parameter["schema"] = _not_null(parameter["schema"])
    command = method in COMMAND_METHODS
    statuses = set(COMMAND_ERRORS if command else READ_ERRORS)
    if any(p["in"] == "path" for p in parameters):
        statuses.add(404)
    if PERMISSION in operation or (operation.get(PUBLIC) and command):
        statuses.add(401)  # no valid token; a login refused, a delivery badly signed
    if PERMISSION in operation:
        statuses.add(403)
    responses = operation.setdefault("responses", {})
    if "409" in responses:  # a read a rule may refuse says so (`responses={409: …}` on its route)
        statuses.add(409)
    for status in sorted(statuses):
        answer = {"description": ERRORS[status],
                  "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_BODY}"}}}}
        if status in (429, 503):
            answer["headers"] = dict(RETRY_AFTER)
        # FastAPI's 422 describes a body we never send; a route's own mention of a status gets the error body.
        if status == 422 or "content" not in responses.get(str(status), {}):
            responses[str(status)] = answer
    operation["responses"] = responses = dict(sorted(responses.items()))
    if command:
        for status, answer in responses.items():
            if status.startswith("2"):
                headers = answer.setdefault("headers", {})
                if any(p["in"] == "header" and p["name"].lower() == "idempotency-key" for p in parameters):
                    headers.update(REPLAYED)
                if status == "201" and "{" not in path:
                    headers.update(LOCATION)
