"""Every code the code base can emit has a text in French, Dutch and English, with the same placeholders.

Codes are collected from the sources, not from a list kept by hand: the first argument of every error
constructor, every argument given to a parameter named `code` or `*_code`, and every string (or f-string)
of a name family (`stage.…`, `task.…`, `invalid.…`, …). An f-string code is expanded over the values its hole
can take (EXPANSIONS); a new f-string shape fails here until it is listed.
"""

import ast
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import i18n
from domain import (commands, matching, organisations, partner_feed, persons, profiles, reports, results, sessions,
                    sponsorship)
from domain.catalogue import BINOME, SPECS
from domain.stages import Stage
from domain.state import CONTRACT_PARTIES
from domain.tasks import OVERDUE_WORDING, TASK_KINDS

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("domain", "application", "api", "workflows", "worker", "projections", "eventstore", "mentorat", "web")
FAMILIES = ("stage.", "moment.", "party.", "field.", "task.", "invalid.", "http.", "step.", "journey.", "kind.",
            "activity.", "report.", "feed.", "session.", "criterion.", "match.")
# A string of a family is a code when it looks like one ("http.request" is ASGI's, not ours).
FAMILY_CODE = re.compile(r"(stage|moment|party|field|task|invalid|step|journey|kind|activity|report|feed|session"
                         r"|criterion)\.[a-z0-9_]+"
                         r"|match\.[a-z0-9_]+(\.[a-z0-9_]+)?"
                         r"|http\.([0-9]{3}|error)")
# Names rendered inside other messages: they take no params of their own.
NAME_FAMILIES = ("stage.", "moment.", "party.", "field.", "step.", "journey.", "kind.", "activity.", "report.", "feed.",
                 "session.", "criterion.")

# The pydantic error types the API renders as `invalid.<type>` (the common ones, and the input checks' own).
INVALID_TYPES = (
    "value", "missing", "extra_forbidden", "json_invalid", "json_type", "model_attributes_type", "model_type",
    "dict_type", "list_type", "string_type", "string_too_short", "string_too_long", "string_pattern_mismatch",
    "string_unicode", "control_characters", "too_short", "too_long", "list_too_long", "int_type", "int_parsing",
    "int_from_float", "float_type", "float_parsing", "finite_number", "bool_type", "bool_parsing", "greater_than",
    "greater_than_equal", "less_than", "less_than_equal", "multiple_of", "literal_error", "enum", "uuid_type",
    "uuid_parsing", "datetime_type", "datetime_parsing", "datetime_from_date_parsing", "date_type", "date_parsing",
    "date_from_datetime_parsing", "date_from_datetime_inexact", "date_out_of_range", "timezone_aware",
    "url_parsing", "value_error", "assertion_error", "cursor",
)
HTTP_STATUSES = ("error", 400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 429, 500, 502, 503, 504)

# What the hole of each f-string code can hold ("{}" marks the hole).
EXPANSIONS: dict[str, tuple] = {
    "stage.{}": tuple(Stage),
    "party.{}": CONTRACT_PARTIES,
    "task.{}": TASK_KINDS,
    "task.{}_overdue": tuple(OVERDUE_WORDING),
    "{}_not_found": persons.ROLES,
    "step.{}": tuple(dict.fromkeys(persons.MENTOR_STEPS + persons.MENTEE_STEPS)),
    "kind.{}": organisations.KINDS,
    "activity.{}": sponsorship.ACTIVITIES,
    "feed.{}": partner_feed.KINDS,
    "session.{}": tuple(sessions.KINDS),
    "criterion.{}": tuple(matching.CRITERIA),
    "match.{}": tuple(matching.CRITERIA),
    "match.{}.no": tuple(matching.CRITERIA),
    "journey.{}": ("information_session", "preparation_interview", "training", "presentation", "selection_interview",
                   "selection_decision"),
    "invalid.{}": INVALID_TYPES,
    "fact.{}": tuple(spec.type for spec in SPECS.values() if spec.category == BINOME),
    "web.exit.{}": results.EXIT_KINDS,
    "web.outcome.{}": (*commands.POSITIVE_OUTCOMES, "unknown"),
    "web.choice.{}": (*commands.EARLY_STOP_BY, "unknown"),
    "web.report.{}": (*(band for *_, band in (*reports.AGE_BANDS, *reports.ISCED_GROUPS, *reports.OUT_OF_WORK_BANDS)),
                      *profiles.GENDERS, reports.UNKNOWN, "direct"),
    "web.report.dimension.{}": reports.DIMENSIONS,
    "http.{}": HTTP_STATUSES,
}


@dataclass(frozen=True)
class Use:
    code: str
    where: str
    params: frozenset[str] | None  # the params given where the code is raised; None when not known there


def sources() -> Iterator[Path]:
    for folder in SOURCE_DIRS:
        yield from sorted((ROOT / folder).rglob("*.py"))


def _shape(node: ast.JoinedStr) -> str:
    return "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)


class _Collector(ast.NodeVisitor):
    def __init__(self, path: Path, error_classes: dict[str, int | None], code_params: dict[str, dict]):
        self.where = str(path.relative_to(ROOT))
        self.error_classes = error_classes
        self.code_params = code_params
        self.uses: list[Use] = []
        self.unknown_shapes: list[str] = []
        self._class: list[str] = []

    def add(self, node: ast.AST, params: frozenset[str] | None, line: int) -> None:
        where = f"{self.where}:{line}"
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            self.uses.append(Use(node.value, where, params))
        elif isinstance(node, ast.JoinedStr):
            shape = _shape(node)
            if shape not in EXPANSIONS:
                self.unknown_shapes.append(f"{where}: {shape}")
                return
            self.uses.extend(Use(shape.replace("{}", str(value)), where, params) for value in EXPANSIONS[shape])
        elif isinstance(node, ast.IfExp):
            self.add(node.body, params, line)
            self.add(node.orelse, params, line)
        # Anything else (a variable, an attribute) forwards a code chosen elsewhere, where it is collected.

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._class.append(node.name)
        self.generic_visit(node)
        self._class.pop()

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and FAMILY_CODE.fullmatch(node.value):
            self.add(node, frozenset() if node.value.startswith(NAME_FAMILIES) else None, node.lineno)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        shape = _shape(node)
        if shape.startswith(FAMILIES):
            self.add(node, None, node.lineno)
        # Its parts are not codes on their own.

    def visit_Call(self, node: ast.Call) -> None:
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        given = None if any(k.arg is None for k in node.keywords) else frozenset(
            k.arg.removesuffix("_code") for k in node.keywords if k.arg != "field")
        if name in self.error_classes and self.error_classes[name] is not None and len(node.args) > 0:
            self.add(node.args[self.error_classes[name]], given, node.lineno)
        elif name == "__init__" and self._class and self._class[-1] in self.error_classes and node.args:
            self.add(node.args[0], given, node.lineno)  # super().__init__("code", ...) in an error class
        elif name in self.code_params:
            for index in self.code_params[name]["positions"]:
                if index < len(node.args):
                    self.add(node.args[index], None, node.lineno)
        elif name == "HTTPException" and len(node.args) > 1:
            self.add(node.args[1], frozenset(), node.lineno)
        for keyword in node.keywords:
            if keyword.arg is not None and (keyword.arg == "code" or keyword.arg.endswith("_code")):
                self.add(keyword.value, None if keyword.arg == "code" else frozenset(), node.lineno)
        self.generic_visit(node)


def _definitions(trees: dict[Path, ast.Module]) -> tuple[dict[str, int | None], dict[str, dict]]:
    """Error classes (with the position of their `code` argument) and functions that take codes."""
    classes = {node.name: node for tree in trees.values() for node in ast.walk(tree) if isinstance(node, ast.ClassDef)}
    error_classes: dict[str, int | None] = {}
    pending = {"DomainError"}
    while pending:
        name = pending.pop()
        if name in error_classes or name not in classes:
            continue
        init = next((n for n in classes[name].body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
        if init is None:
            bases = [b.id for b in classes[name].bases if isinstance(b, ast.Name) and b.id in error_classes]
            error_classes[name] = error_classes[bases[0]] if bases else 0
        else:
            names = [a.arg for a in init.args.args[1:]]
            error_classes[name] = names.index("code") if "code" in names else None
        pending |= {c.name for c in classes.values()
                    if any(isinstance(b, ast.Name) and b.id == name for b in c.bases)}
    functions: dict[str, dict] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name != "__init__":
                names = [a.arg for a in node.args.args]
                positions = [i for i, n in enumerate(names) if n == "code" or n.endswith("_code")]
                if positions:
                    functions[node.name] = {"positions": positions}
    return error_classes, functions


def collect() -> tuple[list[Use], list[str]]:
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in sources()}
    error_classes, functions = _definitions(trees)
    uses, unknown = [], []
    for path, tree in trees.items():
        collector = _Collector(path, error_classes, functions)
        collector.visit(tree)
        uses += collector.uses
        unknown += collector.unknown_shapes
    return uses, unknown


USES, UNKNOWN_SHAPES = collect()


def test_the_collector_finds_codes_of_every_kind():
    # A guard against a collector that silently finds nothing.
    found = {use.code for use in USES}
    assert {"contract_before_validations", "text_required", "meetings_after_exit", "field.refusal_reason",
            "moment.proposal", "stage.completed", "party.programme", "task.monitoring_contact_overdue",
            "mentee_not_found", "idempotency_key_reused", "command_pending", "authentication_required",
            "invalid.missing", "http.404"} <= found
    assert len(found) > 100


def test_every_f_string_code_has_known_expansions():
    assert UNKNOWN_SHAPES == []


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_code_the_code_base_can_emit_has_a_text(language):
    missing = sorted({f"{use.code} ({use.where})" for use in USES if not i18n.catalogue(language).get(use.code)})
    assert missing == []


def test_the_three_catalogues_hold_the_same_codes():
    fr, nl, en = (set(i18n.catalogue(language)) for language in i18n.LANGUAGES)
    assert sorted(fr ^ nl) == [] and sorted(fr ^ en) == []


@pytest.mark.parametrize("code", sorted(i18n.catalogue("fr")))
def test_a_text_has_the_same_placeholders_in_every_language(code):
    placeholders = {language: i18n.placeholders(i18n.catalogue(language)[code]) for language in i18n.LANGUAGES}
    assert placeholders["nl"] == placeholders["fr"] == placeholders["en"], placeholders


def test_every_template_is_well_formed():
    for language in i18n.LANGUAGES:
        for code, text in i18n.catalogue(language).items():
            list(string.Formatter().parse(text))  # raises on an unbalanced brace
            assert text.strip() == text and text, (language, code)


def test_where_a_code_is_raised_its_params_fill_its_text():
    short = [f"{use.where}: {use.code} needs {sorted(needed - use.params)}"
             for use in USES if use.params is not None and i18n.catalogue("fr").get(use.code)
             for needed in [i18n.placeholders(i18n.catalogue("fr")[use.code])] if not needed <= use.params]
    assert short == []


@pytest.mark.parametrize("code, params, text", [
    ("binome_finished", {"stage_code": "stage.refused_at_validation"}, "Ce binôme est clos (Refusé à la validation)."),
    ("side_already_validated", {"side_code": "party.mentor"}, "Le mentor a déjà validé le binôme."),
    ("text_required", {"what_code": "field.refusal_reason"}, "La raison du refus est obligatoire."),
    ("date_before_step", {"step_code": "moment.analysis", "earliest": "2025-02-04"},
     "La date ne peut pas précéder l'analyse des forces et faiblesses (2025-02-04)."),
    ("task.cadence_shortfall", {"month": 1, "held": 1, "required": 2},
     "Mois 1 : 1 rencontre(s) sur 2 attendues — contacter le binôme."),
    ("task.monitoring_contact_overdue", {"number": 1},
     "Contact de suivi n° 1 à réaliser — en retard, à traiter en priorité."),
    ("task.first_meeting_overdue", {}, "Première rencontre non tenue dans le délai : relancer le binôme."),
])
def test_the_staff_read_the_same_french_sentences_as_before(code, params, text):
    assert i18n.render(code, params) == text


def test_a_code_with_no_text_reads_as_its_family_or_itself():
    assert i18n.render("invalid.no_such_type", {}, "nl") == i18n.catalogue("nl")["invalid.value"]
    assert i18n.render("no_such_code", {}, "en") == "no_such_code"
