"""Every text a page shows is in the catalogues, in French, Dutch and English: each code the templates name, and
each code of a family they build from a value (`"web.choice." ~ value`) for every value it can take."""

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import i18n
from domain import commands as c
from domain import reports, sessions
from domain import partner_feed, sponsorship
from domain.catalogue import BINOME, PERSON, SPECS
from domain.persons import STEPS
from domain.facts import ACTOR_KINDS
from domain.stages import Stage
from domain.tasks import TASK_KINDS
from web import timeline
import web.forms
import web.pages
from web.forms import CommandForm
from web.pages.admin import NUMBERS
from domain.journeys import NOT_SELECTED_REASONS, REQUIRED_CRITERIA
from web.render import MENU
from web.programme_form import LABEL_LISTS
from domain.matching import CRITERIA

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"
LITERAL = re.compile(r"""\bt\(\s*["']([a-z][a-z0-9_.-]*)["']""")
FAMILY = re.compile(r"""\bt\(\s*["']([a-z][a-z0-9_.-]*\.)["']\s*[~+]""")


def every_form() -> list[CommandForm]:
    """Every form a page can show: those of web.forms and each page module's (in a dict of forms)."""
    modules = [web.forms, *(importlib.import_module(f"web.pages.{info.name}")
                            for info in pkgutil.iter_modules(web.pages.__path__))]
    return [form for module in modules for value in vars(module).values() if isinstance(value, dict)
            for form in value.values() if isinstance(form, CommandForm)]


# What each family built in a template can hold.
FAMILIES = {
    "web.choice.": {"mentor", "mentee", "programme", "true", "false", *NOT_SELECTED_REASONS, *c.VALIDATION_DECISIONS, *c.POSITIVE_OUTCOMES, *c.EARLY_STOP_BY,
                    *c.MEETING_MODES, *c.CONTACT_CHANNELS, "in_person", "video", *c.ACTION_OWNERS, *c.ACTION_STATUSES},
    "web.field.": {field.name for form in every_form() for field in form.fields if not field.label}
                  | {"title", "owner", "due_on", "one_per_line", "occurred_on", "occurred_time"},
    "web.due.": {"response_due", "first_meeting_due", "cadence_check", "monitoring_contact_due",
                 "monitoring_contact_overdue", "term", "evaluation_due"},
    "web.exit.": {"positive", "early_stop", "term"},
    "web.actor.": set(ACTOR_KINDS),
    "web.task_kind.": set(TASK_KINDS),
    "web.timeline.kind.": set(timeline.KINDS),
    "web.language.": set(i18n.LANGUAGES),
    "fact.": {spec.type for spec in SPECS.values() if spec.category == BINOME},
    "stage.": {stage.value for stage in Stage},
    "kind.": {"company", "isp"},
    "web.report.role.": {"mentor", "mentee"},
    "web.people.title.": {"mentor", "mentee"},
    "web.tasks.waiting.": {"proposed", "evaluation"},
    "web.criterion.": set(REQUIRED_CRITERIA),
    "web.role.": {"administrator", "coordinator", "mentor", "mentee", "isp", "company"},
    "web.admin.setting.": set(NUMBERS),
    "web.sessions.status.": {"seat", "waiting", "cancelled"},
    "session.": set(sessions.KINDS),
    "web.people.list.": {"mentor", "mentee"},
    "web.people.register.": {"mentor", "mentee"},
    "web.journey_fact.": {spec.type for spec in SPECS.values() if spec.category == PERSON},
    "step.": {step for steps in STEPS.values() for step in steps},
    "web.report.dimension.": set(reports.DIMENSIONS),
    "web.field.hint.": {"words", "levels"},
    "web.admin.list.": {*LABEL_LISTS, "matching_criteria"},
    "web.admin.new.": {"programme_id", "name"},
    "web.matching.swap.": {"first", "second"},
    "criterion.": set(CRITERIA),
    "feed.": set(partner_feed.KINDS),
    "activity.": set(sponsorship.ACTIVITIES),
    "web.outcome.": set(c.POSITIVE_OUTCOMES),
    "web.partner.people.": {"mentor", "mentee"},
}


def codes() -> set[str]:
    forms = every_form()
    found = {form.title for form in forms} | {label for _, label, _ in MENU}
    found |= {field.label_code for form in forms for field in form.fields}
    # A choice's label: its field's family of codes, whatever the value.
    found |= {field.labels + choice for form in forms for field in form.fields for choice in field.choices
              if field.kind in ("select", "many")}
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text()
        found |= {code for code in LITERAL.findall(text) if not code.endswith(".")}
        for family in FAMILY.findall(text):
            assert family in FAMILIES, f"{template.name}: the family {family!r} needs its values listed here"
            found |= {family + value for value in FAMILIES[family]}
    return found


def test_the_templates_codes_are_found():
    assert {"web.tasks.title", "web.choice.video", "fact.MeetingHeld", "web.actor.staff", "web.form.pause"} <= codes()


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_page_text_is_in_every_language(language):
    missing = sorted(code for code in codes() if not i18n.catalogue(language).get(code))
    assert not missing, f"{language}: {missing}"


def test_the_due_dates_of_a_binome_are_all_worded():
    from api.presenters import DEADLINE_LABELS
    assert set(DEADLINE_LABELS.values()) <= FAMILIES["web.due."]
