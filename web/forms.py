"""The binôme commands a page can send from a form: which fields each shows, and how a posted form becomes the
API's own input model (the same checks, the same error codes, each naming its field).

A form says when it happened as a day (and an hour, if known) in the programme's time zone: the fact keeps that
moment, whatever day it is typed in.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from api import schemas as s
from domain import commands as c
from domain.errors import InvalidInput, NotAllowed


@dataclass(frozen=True)
class Field:
    name: str
    # text, email, tel, textarea, number, date, select; "option" (a select whose choices the page gives, as
    # `options[name]`: value and label pairs); "many" (a box per choice: a list); "words" (a list, comma
    # separated); "levels" (language=level pairs, comma separated: a mapping); "lines" (a list, one item per
    # line); "answers" (one text per question of the programme's evaluation or interview, given to the template as
    # `questions`); "actions" (rows of title, owner, due day); "criteria" (a box per criterion, given as
    # `criteria`: met or not); "yes_no"; "day_start" (a day, as the moment it begins in the programme's time
    # zone); "moment" (a day and an hour in the programme's time zone)
    kind: str
    choices: tuple[str, ...] = ()
    required: bool = False
    # The catalogue codes of the choices' labels start with this.
    labels: str = "web.choice."
    # A number's bounds, as the browser is told (the model checks them again).
    low: int = 1
    high: int = 480
    # Its label's catalogue code, when `web.field.<name>` already says something else (an action's title).
    label: str = ""

    @property
    def label_code(self) -> str:
        return self.label or f"web.field.{self.name}"


@dataclass(frozen=True)
class CommandForm:
    slug: str
    command: str
    model: type[BaseModel]
    fields: tuple[Field, ...]
    # Posted values the command takes besides its body (the API has them in its path: an action's id).
    extra: tuple[str, ...] = ()
    # A person's journey command takes its body as the API hands it over: the fields given, as Python values.
    journey: bool = False
    # A fact that happens when it is recorded (a registration, a change): the form asks for no day.
    dated: bool = True

    @property
    def title(self) -> str:
        return f"web.form.{self.slug}"


FORMS = {form.slug: form for form in (
    CommandForm("meeting", "RecordMeeting", s.MeetingIn, (
        Field("mode", "select", c.MEETING_MODES, True), Field("duration_minutes", "number"),
        Field("notes", "textarea"))),
    CommandForm("contact", "LogContact", s.ContactIn, (
        Field("channel", "select", c.CONTACT_CHANNELS, True), Field("notes", "textarea"))),
    CommandForm("monitoring-contact", "RecordMonitoringContact", s.MonitoringContactIn, (
        Field("channel", "select", (*c.CONTACT_CHANNELS, "in_person", "video"), True),
        Field("outcome", "textarea", required=True))),
    CommandForm("first-meeting", "RecordFirstMeeting", s.FirstMeetingIn, (
        Field("mode", "select", c.MEETING_MODES, True), Field("duration_minutes", "number"),
        Field("notes", "textarea"))),
    CommandForm("closure-meeting", "RecordClosureMeeting", s.ClosureMeetingIn, (Field("notes", "textarea"),)),
    CommandForm("accept", "AcceptProposal", s.AcceptIn, ()),
    CommandForm("refuse", "RefuseProposal", s.RefusalIn, (Field("reason", "textarea", required=True),)),
    CommandForm("validation", "RecordValidation", s.ValidationIn, (
        Field("side", "select", ("mentor", "mentee"), True),
        Field("decision", "select", c.VALIDATION_DECISIONS, True), Field("reason", "textarea"))),
    CommandForm("signature", "SignContract", s.SignatureIn, (
        Field("party", "select", ("mentor", "mentee", "programme"), True),)),
    CommandForm("analysis", "RecordAnalysis", s.AnalysisIn, (
        Field("strengths", "lines", required=True), Field("weaknesses", "lines", required=True))),
    CommandForm("action-plan", "AgreeActionPlan", s.ActionPlanIn, (Field("actions", "actions", required=True),)),
    CommandForm("action", "AddAction", s.NewActionIn, (
        Field("title", "text", required=True), Field("owner", "select", c.ACTION_OWNERS, True),
        Field("due_on", "date"))),
    CommandForm("action-status", "UpdateAction", s.ActionChangeIn, (
        Field("status", "select", c.ACTION_STATUSES, True),), extra=("action_id",)),
    CommandForm("action-due", "UpdateAction", s.ActionChangeIn, (Field("due_on", "date", required=True),),
                extra=("action_id",)),
    CommandForm("positive-exit", "RecordPositiveExit", s.PositiveExitIn, (
        Field("outcome", "select", c.POSITIVE_OUTCOMES, True), Field("details", "textarea"))),
    CommandForm("early-stop", "RecordEarlyStop", s.EarlyStopIn, (
        Field("by", "select", c.EARLY_STOP_BY, True), Field("reason", "textarea", required=True))),
    CommandForm("evaluation", "RecordEvaluation", s.EvaluationIn, (
        Field("side", "select", ("mentor", "mentee"), True), Field("rating", "number", required=True, high=5),
        Field("answers", "answers", required=True))),
)}
# An action plan's form has this many rows; more actions are added one by one once the binôme is active.
ACTION_ROWS = 5
# The error code of a day or a moment that cannot be read (pydantic's own).
UNREADABLE = {"day_start": "invalid.date_parsing", "moment": "invalid.datetime_parsing"}
EXTRA_VALUE = re.compile(r"[A-Za-z0-9_-]{1,64}")
# The key a form is rendered with (a new one each time it is shown): sent twice, it is the same command.
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9-]{8,64}")
# The forms that answer each staff task, shown beside it in the list.
TASK_FORMS = {
    "monitoring_contact": ("monitoring-contact",),
    "cadence_shortfall": ("meeting", "monitoring-contact"),
    "first_meeting_overdue": ("first-meeting",),
    "closure_meeting": ("closure-meeting",),
}


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    params: dict[str, Any]


class FormInvalid(Exception):
    def __init__(self, errors: list[FieldError]):
        super().__init__(errors)
        self.errors = errors


def shown_again(posted: FormData) -> dict[str, str | list[str]]:
    """What was typed, to show a form again with its faults: a name sent several times (boxes) keeps its list."""
    values: dict[str, str | list[str]] = {}
    for name in posted.keys():
        sent = [value for value in posted.getlist(name) if isinstance(value, str)]
        values[name] = sent if len(sent) > 1 else (sent[0] if sent else "")
    return values


def idempotency_key(posted: FormData) -> str | None:
    """The form's key, if it is one of ours (else the command gets a key of its own)."""
    key = str(posted.get("idempotency_key") or "")
    return key if IDEMPOTENCY_KEY.fullmatch(key) else None


def parsed(form: CommandForm, posted: FormData, zone: ZoneInfo,
           now: datetime) -> tuple[dict[str, Any], datetime | None]:
    """The command's payload and when it happened (None for a form that is not dated), or FormInvalid naming every
    field at fault."""
    errors: list[FieldError] = []
    values: dict[str, Any] = {}
    for field in form.fields:
        if field.kind == "criteria":  # every criterion the page showed (criteria_shown), ticked or not
            shown = [str(name) for name in posted.getlist("criteria_shown")][:40]
            values[field.name] = {name: posted.get(f"criteria.{name}") == "on" for name in shown}
            continue
        if field.kind == "yes_no":
            answer = str(posted.get(field.name) or "")
            if answer in ("true", "false"):
                values[field.name] = answer == "true"
            continue
        if field.kind in ("day_start", "moment"):
            text = str(posted.get(field.name) or "").strip()
            try:
                if field.kind == "day_start":
                    values[field.name] = datetime.combine(date.fromisoformat(text), time(0), zone).isoformat()
                else:  # as a browser's datetime-local sends it: no offset (one given is not ours to guess)
                    typed = datetime.fromisoformat(text)
                    if typed.tzinfo is not None:
                        raise ValueError(text)
                    values[field.name] = typed.replace(tzinfo=zone).isoformat()
            except ValueError:
                if text:
                    errors.append(FieldError(field.name, UNREADABLE[field.kind], {}))
            continue
        if field.kind == "many":  # a box per choice; none ticked is an empty list
            values[field.name] = [str(choice) for choice in posted.getlist(field.name)][:100]
            continue
        if field.kind == "actions":  # actions.<row>.title|owner|due_on; a row without a title is left out
            rows = [{name: str(posted.get(f"actions.{row}.{name}") or "").strip() for name in ("title", "owner",
                                                                                                 "due_on")}
                    for row in range(ACTION_ROWS)]
            actions = [{name: value for name, value in row.items() if value} for row in rows if row["title"]]
            if actions:
                values[field.name] = actions
            continue
        if field.kind == "answers":  # answers.<question key>, each a text; the unanswered left out
            answers = {name.removeprefix("answers."): str(value).strip() for name, value in posted.items()
                       if name.startswith("answers.") and str(value).strip()}
            if answers:
                values[field.name] = answers
            continue
        raw = posted.get(field.name)
        text = raw.strip() if isinstance(raw, str) else ""
        if field.kind in ("lines", "words"):
            items = [item.strip() for item in (text.splitlines() if field.kind == "lines" else text.split(","))
                     if item.strip()]
            if items:
                values[field.name] = items
        elif field.kind == "levels":  # fr=C2, nl=B1
            pairs = [item.partition("=") for item in text.split(",") if item.strip()]
            if pairs:
                values[field.name] = {language.strip(): level.strip() for language, _, level in pairs}
        elif text:
            # A number is typed as text; one that is not a whole number stays text, for the model to name.
            values[field.name] = int(text) if field.kind == "number" and text.isdecimal() and len(text) < 10 \
                else text
    # A field the form requires, left empty (a change's model takes every field as optional).
    errors += [FieldError(field.name, "invalid.missing", {}) for field in form.fields
               if field.required and values.get(field.name) in (None, [], {})]
    occurred_at = _occurred_at(posted, zone, now, errors) if form.dated else None
    try:
        checked = form.model.model_validate(values)
        payload = checked.model_dump(exclude={"occurred_at"}, exclude_unset=True) if form.journey else \
            checked.model_dump(mode="json", exclude={"occurred_at"})
    except ValidationError as invalid:
        for item in invalid.errors():
            # A list's or the answers' fault is the field's: its form shows one box for them all.
            name = str(item["loc"][0]) if item["loc"] else "form"
            params = {k: v for k, v in (item.get("ctx") or {}).items() if isinstance(v, (int, float, str))}
            errors.append(FieldError(name, f"invalid.{item['type']}", params))
        payload = {}
    for name in form.extra:
        value = str(posted.get(name) or "")
        if not EXTRA_VALUE.fullmatch(value):
            errors.append(FieldError(name, "invalid.missing" if not value else "invalid.value", {}))
        payload[name] = value
    if errors:
        # The first fault of each field says what is wrong (an unreadable day, rather than that it is missing).
        first: dict[str, FieldError] = {}
        for error in errors:
            first.setdefault(error.field, error)
        raise FormInvalid(list(first.values()))
    return payload, occurred_at


def parsed_now(request: Request, form: CommandForm, posted: FormData) -> tuple[dict[str, Any], datetime | None]:
    """`parsed` in the programme's time zone, as of now."""
    return parsed(form, posted, ZoneInfo(request.app.state.settings.web_timezone), datetime.now(timezone.utc))


def beside(form: CommandForm, refused: InvalidInput | NotAllowed) -> list[FieldError]:
    """A rule about one of the form's fields (an id taken, a day to come), to say beside it; any other refusal is
    the error page."""
    if refused.field not in {field.name for field in form.fields}:
        raise refused
    return [FieldError(refused.field, refused.code, refused.params)]


def _occurred_at(posted: FormData, zone: ZoneInfo, now: datetime, errors: list[FieldError]) -> datetime:
    """The day (required, not in the future) and the hour (noon when not said) it happened.

    An hour still to come today reads as the moment the form was opened (`opened_at`, in the form): the same form
    sent again says the same moment, so it is recognised as the same command."""
    day_text, hour_text = str(posted.get("occurred_on") or ""), str(posted.get("occurred_time") or "")
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        errors.append(FieldError("occurred_on", "invalid.date_parsing" if day_text else "invalid.missing", {}))
        return now
    try:
        hour = time.fromisoformat(hour_text) if hour_text else time(12)
    except ValueError:
        errors.append(FieldError("occurred_time", "invalid.time_parsing", {}))
        return now
    moment = datetime.combine(day, hour, zone)
    if moment.date() > now.astimezone(zone).date():
        errors.append(FieldError("occurred_on", "web.in_the_future", {}))
    elif moment > now:
        moment = _opened_at(posted, datetime.combine(day, time(0), zone), now)
    if day.year < 2000:
        errors.append(FieldError("occurred_on", "invalid.date_out_of_range", {}))
    return moment


def _opened_at(posted: FormData, day_start: datetime, now: datetime) -> datetime:
    """When the form was opened, if that was on the day typed and not later than now (else now)."""
    try:
        opened = datetime.fromisoformat(str(posted.get("opened_at") or "")[:40])
    except ValueError:
        return now
    return opened if opened.tzinfo is not None and day_start <= opened <= now else now
