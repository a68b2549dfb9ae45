"""Bodies of the routes on who may do what: logging in, accounts, integrations, the personal-data read log."""

from datetime import datetime
from typing import Annotated, Literal, Union
from uuid import UUID

from pydantic import BaseModel, Field, StringConstraints

from api.schemas import FirstMeetingIn, Input, MeetingIn, OrganisationId, examples, line, optional
from domain.accounts import PASSWORD_MAX, PASSWORD_MIN, SCOPE_ID
from domain.integrations import INTEGRATION_ID

Username = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._@+-]{2,63}$")]
Password = Annotated[str, StringConstraints(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)]
ScopeId = Annotated[str, StringConstraints(pattern=SCOPE_ID.pattern)]


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Secondes de validité.")
    must_change_password: bool = Field(description="Vrai : ce jeton ne sert qu'à changer le mot de passe "
                                                   "(POST /auth/password).")


class PasswordChangeIn(Input):
    model_config = examples({"current_password": "Xq3v-9tKp2mZ-a8Rw1", "new_password": "une phrase longue et à moi"})

    current_password: str = Field(max_length=PASSWORD_MAX)
    new_password: Password


class PrincipalOut(BaseModel):
    account_id: str
    role: str
    programmes: list[str]
    person_id: str | None
    organisation_id: str | None


# A role's scope names what it needs and nothing else (domain.accounts.check_scope says the same): one shape per
# kind of role, told apart by `role`.
class AdministratorScope(Input):
    role: Literal["administrator"]


class CoordinatorScope(Input):
    role: Literal["coordinator"]
    programmes: list[ScopeId] = Field(min_length=1, max_length=50, description="Ses programmes.")


class PairScope(Input):
    role: Literal["mentor", "mentee"]
    person_id: ScopeId = Field(description="La personne (mentor ou mentee).")


class PartnerScope(Input):
    role: Literal["isp", "company"]
    organisation_id: OrganisationId = Field(description="L'organisation : l'ISP ou l'entreprise partenaire.")


SCOPES = (AdministratorScope, CoordinatorScope, PairScope, PartnerScope)
ScopeIn = Annotated[Union[SCOPES], Field(discriminator="role")]  # type: ignore[valid-type]


class _NewAccount(Input):
    username: Username
    password: Password = optional(description="Sans mot de passe, un mot de passe à usage unique est créé et "
                                              "renvoyé une fois.")


def _new_account(scope: type[Input]) -> type[Input]:
    """A new account of one scope's shape: NewCoordinatorAccount, …"""
    return type("New" + scope.__name__.removesuffix("Scope") + "Account", (_NewAccount, scope), {})


AccountIn = Annotated[Union[tuple(_new_account(scope) for scope in SCOPES)],  # type: ignore[valid-type]
                      Field(discriminator="role")]
ACCOUNT_EXAMPLES = [{"username": "claire", "role": "coordinator", "programmes": ["default"]},
                    {"username": "isp-mission-locale", "role": "isp", "organisation_id": "mission-locale"}]


def scope_fields(scope: BaseModel) -> dict:
    """The four fields of any scope shape (those it lacks empty), as domain.accounts.check_scope takes them."""
    return {"role": scope.role, "programmes": getattr(scope, "programmes", []),
            "person_id": getattr(scope, "person_id", None), "organisation_id": getattr(scope, "organisation_id", None)}


class AccountChangeIn(Input):
    model_config = examples({"disabled": True}, {"scope": {"role": "coordinator", "programmes": ["bxl"]}},
                            minProperties=1)

    scope: ScopeIn = optional()
    disabled: bool = optional()


class AccountOut(BaseModel):
    account_id: str
    username: str
    role: str
    programmes: list[str]
    person_id: str | None
    organisation_id: str | None
    must_change_password: bool
    disabled: bool
    created_at: datetime
    version: int


class AccountCreated(AccountOut):
    one_time_password: str | None = Field(description="À transmettre à la personne ; à changer à sa première "
                                                      "connexion. Jamais montré une seconde fois.")


class AccountPage(BaseModel):
    items: list[AccountOut]
    total: int | None
    limit: int
    next_cursor: str | None


class OneTimePassword(BaseModel):
    one_time_password: str


class IntegrationIn(Input):
    model_config = examples({"integration_id": "agenda", "name": "Agenda partagé", "programmes": ["default"]})

    integration_id: Annotated[str, StringConstraints(pattern=INTEGRATION_ID.pattern)]
    name: line(200, min_length=1)  # type: ignore[valid-type]
    programmes: list[ScopeId] = Field(min_length=1, max_length=50)
    binomes: list[ScopeId] = Field(default_factory=list, max_length=1000,
                                   description="Seulement ces binômes (vide : tous ceux de ses programmes).")


class MeetingHeld(MeetingIn):
    binome_id: UUID


class FirstMeetingHeld(FirstMeetingIn):
    binome_id: UUID


class MeetingDelivery(Input):
    """A signed delivery (Standard Webhooks): a meeting the integration saw held."""

    type: Literal["meeting.held"]
    timestamp: datetime | None = None
    data: MeetingHeld


class FirstMeetingDelivery(Input):
    type: Literal["first_meeting.held"]
    timestamp: datetime | None = None
    data: FirstMeetingHeld


DELIVERIES = (MeetingDelivery, FirstMeetingDelivery)
Delivery = Annotated[Union[DELIVERIES], Field(discriminator="type")]  # type: ignore[valid-type]


def _tags(models: tuple[type[BaseModel], ...], field: str) -> frozenset[str]:
    return frozenset(tag for model in models for tag in model.model_fields[field].annotation.__args__)


# Pydantic puts a tagged union's tag in an error's location ("coordinator.programmes", "meeting.held.data.mode"):
# api.errors leaves it out of the field it names.
UNION_TAGS = _tags(SCOPES, "role") | _tags(DELIVERIES, "type")


class IntegrationOut(BaseModel):
    integration_id: str
    name: str
    programmes: list[str]
    binomes: list[str]
    secret_ids: list[str]
    registered_at: datetime


class IntegrationSecret(IntegrationOut):
    secret_id: str = Field(description="Le secret créé.")
    secret: str = Field(description="Le secret de signature (Standard Webhooks, `whsec_…`), montré cette fois "
                                     "seulement.")


class DataReadOut(BaseModel):
    person_id: str
    reader: str
    what: str
    read_at: datetime


class DataReadPage(BaseModel):
    items: list[DataReadOut]
    total: int | None
    limit: int
    next_cursor: str | None
