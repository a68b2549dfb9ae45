"""Accounts, for administrators: create (with a one-time password unless one is given), list, read, change a
scope, disable or enable, reset a password."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Path, Query, Response

from api import access_schemas as a
from api import cursors
from api.deps import AccountsDep, IdempotencyKeyDep
from api.principal import allowed
from application.idempotency import fingerprint
from domain.accounts import check_scope
from domain.errors import InvalidInput
from domain.permissions import Permission
from domain.principals import Principal

router = APIRouter(prefix="/accounts", tags=["comptes"])
Administrator = Annotated[Principal, allowed(Permission.ACCOUNTS_MANAGE)]
AccountId = Annotated[UUID, Path(description="Identifiant du compte")]
AccountCursor = cursors.parameter("accounts", ("claire", "6d1f1f43-5b9b-4a1c-8f4e-2f0e4f0b1a11"))


@router.post("", status_code=201, response_model=a.AccountCreated, summary="Créer un compte")
async def create_account(body: Annotated[a.AccountIn, Body(examples=a.ACCOUNT_EXAMPLES)], accounts: AccountsDep,
                         principal: Administrator, key: IdempotencyKeyDep, response: Response) -> a.AccountCreated:
    scope = check_scope(**a.scope_fields(body))
    # The password is not part of the fingerprint: a resend with the same key is recognised without it.
    print_ = body.model_dump(mode="json", exclude={"password"})
    account, one_time, written = await accounts.create(body.username, scope, principal.actor, key,
                                                       fingerprint("CreateAccount", print_), body.password)
    if not written:
        response.headers["Idempotent-Replayed"] = "true"
    response.headers["Location"] = f"/accounts/{account['account_id']}"
    return a.AccountCreated(**account, one_time_password=one_time)


@router.get("", response_model=a.AccountPage, summary="Les comptes", dependencies=cursors.NO_OFFSET)
async def list_accounts(accounts: AccountsDep, principal: Administrator,
                        limit: Annotated[int, Query(ge=1, le=500)] = 50, after: AccountCursor = None) -> a.AccountPage:
    page = await accounts.page(limit, after)
    return a.AccountPage(items=[a.AccountOut(**row) for row in page.items],
                         **cursors.page_fields(page, "accounts", limit))


@router.get("/{account_id}", response_model=a.AccountOut, summary="Un compte")
async def get_account(account_id: AccountId, accounts: AccountsDep, principal: Administrator) -> a.AccountOut:
    return a.AccountOut(**await accounts.get(str(account_id)))


@router.patch("/{account_id}", response_model=a.AccountOut, summary="Changer le périmètre d'un compte, le désactiver")
async def change_account(account_id: AccountId, body: a.AccountChangeIn, accounts: AccountsDep,
                         principal: Administrator, key: IdempotencyKeyDep) -> a.AccountOut:
    if body.scope is None and body.disabled is None:
        raise InvalidInput("changes_required", field="body")
    scope = check_scope(**a.scope_fields(body.scope)) if body.scope is not None else None
    changed = await accounts.change(str(account_id), scope, body.disabled, principal.actor, key,
                                    fingerprint("ChangeAccount", body.model_dump(mode="json", exclude_unset=True)))
    return a.AccountOut(**changed)


@router.post("/{account_id}/password-reset", response_model=a.OneTimePassword,
             summary="Un nouveau mot de passe à usage unique (à changer à la prochaine connexion)")
async def reset_password(account_id: AccountId, accounts: AccountsDep, principal: Administrator) -> a.OneTimePassword:
    return a.OneTimePassword(one_time_password=await accounts.reset_password(str(account_id), principal.actor))
