"""Pages rendered from the Jinja2 templates in the reader's language: the same catalogues as the API (`t`), dates
in the programme's time zone and the reader's locale."""

import uuid
from datetime import date, datetime, timezone
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

import i18n
from domain.permissions import Permission, may
from domain.principals import Principal, Role
from web.forms import ACTION_ROWS, IDEMPOTENCY_KEY, CommandForm, FieldError

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
LOCALES = {"fr": "fr_BE", "nl": "nl_BE", "en": "en_GB"}
# The menu: (address, label, what it needs): a staff page the permission it needs, a partner's own page the role
# whose organisation's page it is (an ISP's, a company's).
MENU = (
    ("/app/tasks", "web.nav.tasks", Permission.TASKS_READ),
    ("/app/binomes", "web.nav.binomes", Permission.BINOMES_LIST),
    ("/app/pipelines/mentors", "web.nav.mentors", Permission.JOURNEYS_READ),
    ("/app/pipelines/mentees", "web.nav.mentees", Permission.JOURNEYS_READ),
    ("/app/sessions", "web.nav.sessions", Permission.JOURNEYS_READ),
    ("/app/organisations", "web.nav.organisations", Permission.ORGANISATIONS_READ),
    ("/app/matching", "web.nav.matching", Permission.MATCHING_USE),
    ("/app/dashboard", "web.nav.dashboard", Permission.BINOMES_LIST),
    ("/app/reports", "web.nav.reports", Permission.REPORTS_READ),
    ("/app/admin/accounts", "web.nav.accounts", Permission.ACCOUNTS_MANAGE),
    ("/app/admin/programmes", "web.nav.programmes", Permission.PROGRAMMES_MANAGE),
    ("/app/partner/feed", "web.nav.partner_feed", Role.ISP),
    ("/app/partner/mentees", "web.nav.partner_mentees", Role.ISP),
    ("/app/partner/report", "web.nav.partner_report", Role.COMPANY),
    ("/app/partner/mentors", "web.nav.partner_mentors", Role.COMPANY),
)


def translator(language: str):
    def t(code: str, **params: Any) -> str:
        return i18n.render(code, params, language)
    return t


def moment(value: datetime | None, language: str, zone: ZoneInfo, form: str = "medium") -> str:
    if value is None:
        return ""
    return format_datetime(value, form, tzinfo=zone, locale=LOCALES[language])


def day(value: date | datetime | str | None, language: str, zone: ZoneInfo) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):  # a due day as the views keep it (ISO)
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.astimezone(zone).date()
    return format_date(value, "medium", locale=LOCALES[language])


def number(value: float | int, language: str) -> str:
    return format_decimal(value, locale=LOCALES[language])


def percent(value: float | None, language: str) -> str:
    return "–" if value is None else format_percent(value, locale=LOCALES[language])


def in_menu(principal: Principal, needs: Permission | Role) -> bool:
    """Staff see the staff pages their role may open; a partner its own organisation's; a mentor or a mentee none
    (their one page is the home page)."""
    if isinstance(needs, Role):
        return principal.role is needs
    return principal.is_staff and may(principal, needs)


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    language = getattr(request.state, "language", i18n.DEFAULT_LANGUAGE)
    session = getattr(request.state, "web_session", None)
    zone = ZoneInfo(request.app.state.settings.web_timezone)
    now = datetime.now(timezone.utc)
    choices = getattr(request.state, "programme_choices", None)  # the viewer's programmes, with their names
    menu = [(href, label) for href, label, needs in MENU if session is not None and in_menu(session.principal, needs)]
    return TEMPLATES.TemplateResponse(request, template, status_code=status, context={
        "t": translator(language), "language": language, "languages": i18n.LANGUAGES, "session": session,
        "csrf": session.csrf if session else "", "menu": menu, "path": request.url.path,
        "today": now.astimezone(zone).date().isoformat(), "opened_at": now.isoformat(),
        "programme_choices": choices, "programme_name": lambda programme_id: dict(choices or ()).get(
            programme_id, programme_id), "action_rows": ACTION_ROWS,
        "when": partial(moment, language=language, zone=zone), "on_day": partial(day, language=language, zone=zone),
        "number": partial(number, language=language), "percent": partial(percent, language=language),
        **context})


def form_page(request: Request, form: CommandForm, action: str, back: str, values: dict[str, Any],
              errors: list[FieldError] = (), options: dict[str, list[tuple[str, str]]] | None = None,
              status: int | None = None, **context: Any) -> HTMLResponse:
    """A form on a page of its own: as the record holds it (`values`), or as it was typed with what is wrong
    beside each field (422 unless `status` says), under the key it was sent with."""
    key = values.get("idempotency_key")
    return page(request, "command_form.html", status=status or (422 if errors else 200), form=form, action=action,
                back=back, values=values, errors={e.field: e for e in errors}, options=options or {},
                key=key if isinstance(key, str) and IDEMPOTENCY_KEY.fullmatch(key) else uuid.uuid4().hex, **context)


def see_other(address: str) -> RedirectResponse:
    """After a form: the browser asks for `address` with GET (post/redirect/get)."""
    return RedirectResponse(address, status_code=303)
