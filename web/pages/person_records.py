"""A mentor's or mentee's record from the pages: registering them, changing their contact record, and their
matching profile. Each goes through the API's own model and the same service, so a change is one fact on the
person's stream, and only the fields that changed are sent (an emptied field is removed)."""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

import i18n
from api import schemas as s
from api.errors import STATUS_BY_KIND
from api.journey_schemas import PROFILE_IN
from domain import persons, places, profiles
from domain.errors import InvalidInput, NotAllowed
from domain.organisations import KIND_FOR_ROLE
from domain.permissions import Permission, require
from domain.sectors import NACE_SECTIONS
from web.forms import (CommandForm, Field, FieldError, FormInvalid, beside, idempotency_key, parsed_now,
                       shown_again)
from web.guard import Form, Viewer, programmes_to_work_in, staff_with
from web.pages.by_role import PersonId, for_role
from web.render import form_page, see_other

router = APIRouter()
# A change's form carries what it showed under these names (see _change_page).
WAS, WAS_MARK = "was.", "was.__shown"
Reader = Annotated[Viewer, staff_with(Permission.JOURNEYS_READ)]
ORGANISATIONS_LISTED = 500
_CONTACT = (Field("name", "text", required=True), Field("email", "email"), Field("phone", "tel"),
            Field("languages", "words"))
REGISTRATION_FORMS = {
    "mentor": CommandForm("register-mentor", "RegisterMentor", s.MentorIn, (
        *_CONTACT, Field("programme_id", "option", required=True), Field("organisation_id", "option"),
        Field("background", "select", persons.BACKGROUNDS, labels="web.background."),
        Field("capacity", "number", high=10), Field("step", "select", persons.REGISTRATION_STEPS["mentor"],
                                                     labels="step.")), dated=False),
    "mentee": CommandForm("register-mentee", "RegisterMentee", s.MenteeIn, (
        *_CONTACT, Field("programme_id", "option", required=True), Field("organisation_id", "option"),
        Field("adviser", "text"), Field("step", "select", persons.REGISTRATION_STEPS["mentee"], labels="step.")),
        dated=False),
}
RECORD_FORMS = {
    "mentor": CommandForm("change-mentor", "ChangeMentor", s.MentorChangeIn, (
        *_CONTACT, Field("organisation_id", "option"), Field("capacity", "number", required=True, high=10)),
        dated=False),
    "mentee": CommandForm("change-mentee", "ChangeMentee", s.MenteeChangeIn, (
        *_CONTACT, Field("organisation_id", "option")), dated=False),
}
_PROFILE = (
    Field("sectors", "many", NACE_SECTIONS, labels="web.sector."), Field("function", "text"),
    Field("language_levels", "levels"), Field("interests", "words"), Field("hobbies", "words"),
    Field("birth_date", "date"), Field("gender", "select", profiles.GENDERS, labels="web.gender."),
    Field("education_level", "number", low=0, high=8), Field("municipality", "option"),
    Field("postal_code", "text"), Field("mobility", "many", profiles.MOBILITY, labels="web.mobility."),
    Field("meeting_mode", "select", profiles.MEETING_PREFERENCES, labels="web.meeting_mode."),
    Field("availability", "many", profiles.AVAILABILITY_SLOTS, labels="web.slot."),
    Field("expectations", "textarea"))
PROFILE_FORMS = {
    "mentor": CommandForm("profile-mentor", "ChangeMatchingProfile", PROFILE_IN["mentor"], (
        *_PROFILE, Field("experience_sectors", "many", NACE_SECTIONS, labels="web.sector.")),
        journey=True, dated=False),
    "mentee": CommandForm("profile-mentee", "ChangeMatchingProfile", PROFILE_IN["mentee"], (
        *_PROFILE, Field("months_out_of_work", "number", low=0, high=600)), journey=True, dated=False),
}


async def registration_page(request: Request, role: str, who: Reader) -> HTMLResponse:
    require(who.principal, Permission.PERSONS_REGISTER)
    return await _form_page(request, who, role, REGISTRATION_FORMS[role], f"/app/{role}s", f"/app/pipelines/{role}s",
                            {"programme_id": who.programme_id or ""})


async def register(request: Request, role: str, who: Reader, form: Form) -> Response:
    require(who.principal, Permission.PERSONS_REGISTER)
    registration = REGISTRATION_FORMS[role]
    try:
        body, _ = parsed_now(request, registration, form)
    except FormInvalid as invalid:
        return await _form_page(request, who, role, registration, f"/app/{role}s", f"/app/pipelines/{role}s",
                                shown_again(form), invalid.errors)
    registered = await request.app.state.services.persons.register(
        role, body["name"], body.get("email"), body.get("phone"), body.get("languages") or [], who.principal,
        idempotency_key(form), body["programme_id"], body.get("capacity"), body.get("organisation_id"),
        body.get("step"), body.get("background"), body.get("adviser"))
    return see_other(f"/app/{role}s/{registered.person['person_id']}")


async def record_page(request: Request, role: str, person_id: PersonId, who: Reader) -> HTMLResponse:
    require(who.principal, Permission.PERSONS_CHANGE)
    person = await request.app.state.services.persons.get(role, person_id, who.principal)
    return await _change_page(request, who, role, RECORD_FORMS[role], f"/app/{role}s/{person_id}/record", person)


async def change_record(request: Request, role: str, person_id: PersonId, who: Reader, form: Form) -> Response:
    require(who.principal, Permission.PERSONS_CHANGE)
    service = request.app.state.services.persons
    person = await service.get(role, person_id, who.principal)

    async def send(changes: dict[str, Any]) -> None:
        await service.change(role, person_id, changes, who.principal, idempotency_key(form))

    return await _change(request, who, role, RECORD_FORMS[role], f"/app/{role}s/{person_id}/record", form, person,
                         send)


async def profile_page(request: Request, role: str, person_id: PersonId, who: Reader) -> HTMLResponse:
    require(who.principal, Permission.JOURNEYS_RECORD)
    person = await request.app.state.services.persons.get(role, person_id, who.principal)
    return await _change_page(request, who, role, PROFILE_FORMS[role], f"/app/{role}s/{person_id}/profile",
                              person["profile"])


async def change_profile(request: Request, role: str, person_id: PersonId, who: Reader, form: Form) -> Response:
    require(who.principal, Permission.JOURNEYS_RECORD)
    service = request.app.state.services.persons
    person = await service.get(role, person_id, who.principal)

    async def send(changes: dict[str, Any]) -> None:
        await service.command(role, person_id, "ChangeMatchingProfile", changes, who.principal,
                              idempotency_key(form))

    return await _change(request, who, role, PROFILE_FORMS[role], f"/app/{role}s/{person_id}/profile", form,
                         person["profile"], send)


async def _change_page(request: Request, who: Viewer, role: str, form: CommandForm, action: str,
                       current: dict[str, Any]) -> HTMLResponse:
    """A change's form, filled as the record stands; what it showed goes with it (`was`), so that only what the
    reader changed is sent, whatever changed meanwhile in the fields they left alone."""
    shown = shown_values(form, current)
    return await _form_page(request, who, role, form, action, action.rsplit("/", 1)[0], shown, was=shown)


async def _change(request: Request, who: Viewer, role: str, form: CommandForm, action: str, posted: FormData,
                  current: dict[str, Any], send: Callable[[dict[str, Any]], Awaitable[None]]) -> Response:
    """The fields the reader changed, sent; a fault said beside its field, the form as typed."""
    back = action.rsplit("/", 1)[0]
    try:
        changes = _changes(request, form, posted, current)
        if changes:
            await send(changes)
    except FormInvalid as invalid:
        errors, status = invalid.errors, 422
    except (InvalidInput, NotAllowed) as refused:  # a postal code not of its municipality, a capacity too small
        errors, status = beside(form, refused), STATUS_BY_KIND[refused.kind]
    else:
        return see_other(back)
    return await _form_page(request, who, role, form, action, back, shown_again(posted), errors, status,
                            was=_was_posted(posted))


def profile_rows(role: str, profile: dict[str, Any], language: str) -> list[tuple[str, str]]:
    """The matching profile as a reader reads it: each field given, its codes named in `language`."""
    rows, written = [], shown_values(PROFILE_FORMS[role], profile)
    for field in PROFILE_FORMS[role].fields:
        value = profile.get(field.name)
        if value in (None, [], {}, ""):
            continue
        if field.kind == "many":
            shown = ", ".join(i18n.render(field.labels + code, None, language) for code in value)
        elif field.kind == "select":
            shown = i18n.render(field.labels + value, None, language)
        elif field.name == "municipality":
            shown = places.municipality_name(value, language) or value
        else:
            shown = written[field.name]
        rows.append((field.name, shown))
    return rows


def shown_values(form: CommandForm, current: dict[str, Any]) -> dict[str, Any]:
    """The form's fields as the record holds them, written as the form's inputs take them."""
    values: dict[str, Any] = {}
    for field in form.fields:
        value = current.get(field.name)
        if value is None:
            continue
        if field.kind == "words":
            values[field.name] = ", ".join(value)
        elif field.kind == "levels":
            values[field.name] = ", ".join(f"{language}={level}" for language, level in value.items())
        elif field.kind == "many":
            values[field.name] = list(value)
        else:
            values[field.name] = str(value)
    return values


def _changes(request: Request, form: CommandForm, posted: FormData, current: dict[str, Any]) -> dict[str, Any]:
    """What differs from what the form showed (else from `current`); a field emptied is removed (None, or no
    languages). Raises FormInvalid as `parsed` does."""
    given, _ = parsed_now(request, form, posted)
    before = current
    if posted.get(WAS_MARK):
        try:
            before, _ = parsed_now(request, form, FormData(
                [(name.removeprefix(WAS), value) for name, value in posted.multi_items() if name.startswith(WAS)]))
        except FormInvalid:  # not what the page wrote: judged against the record
            before = current
    changes: dict[str, Any] = {}
    for field in form.fields:
        was, now = before.get(field.name), given.get(field.name)
        if now in (None, [], {}):
            if was not in (None, [], {}, ""):
                changes[field.name] = [] if field.name == "languages" else None
        elif now != was and str(now) != str(was):  # a day the record keeps as text compares as text
            changes[field.name] = now
    return changes


def _was_posted(posted: FormData) -> dict[str, Any]:
    return {name.removeprefix(WAS): value for name, value in shown_again(posted).items()
            if name.startswith(WAS) and name != WAS_MARK}


async def _form_page(request: Request, who: Viewer, role: str, form: CommandForm, action: str, back: str,
                     values: dict[str, Any], errors: list[FieldError] = (), status: int | None = None,
                     was: dict[str, Any] | None = None) -> HTMLResponse:
    options = await _options(request, who, role, form)
    return form_page(request, form, action, back, values, errors, options, status, was=was)


async def _options(request: Request, who: Viewer, role: str, form: CommandForm) -> dict[str, list[tuple[str, str]]]:
    """The choices of the form's "option" fields: the viewer's programmes, the role's partner organisations,
    the municipalities by name in the reader's language."""
    names = {field.name for field in form.fields if field.kind == "option"}
    options: dict[str, list[tuple[str, str]]] = {}
    services = request.app.state.services
    if "programme_id" in names:
        options["programme_id"] = programmes_to_work_in(request, who)
    if "organisation_id" in names:
        listed = await services.organisations.page(KIND_FOR_ROLE[role], ORGANISATIONS_LISTED)
        options["organisation_id"] = [(o["organisation_id"], o["name"]) for o in listed.items]
    if "municipality" in names:
        options["municipality"] = sorted(((code, places.municipality_name(code, who.language) or code)
                                          for code in places.municipality_codes()), key=lambda pair: pair[1])
    return options


for _role in persons.ROLES:
    router.get(f"/{_role}s/new")(for_role(_role, registration_page))
    router.post(f"/{_role}s")(for_role(_role, register))
    router.get(f"/{_role}s/{{person_id}}/record")(for_role(_role, record_page))
    router.post(f"/{_role}s/{{person_id}}/record")(for_role(_role, change_record))
    router.get(f"/{_role}s/{{person_id}}/profile")(for_role(_role, profile_page))
    router.post(f"/{_role}s/{{person_id}}/profile")(for_role(_role, change_profile))
