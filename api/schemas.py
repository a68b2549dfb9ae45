"""Request and response bodies. Inputs are strict (JSON types as the schema says, unknown fields refused, lengths
bounded); outputs never expose internals. The strings, moments and days inputs are made of: `api.fields`.

A field that may be left out is not nullable unless null means something (an e-mail or a phone number removed):
leaving it out keeps the value, and the schema says which of the two a field allows.
"""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.fields import Day, Documented, Email, KeysAsNames, Moment, line, text, whole
from domain import commands as c
from domain import matching, persons
from domain.matching import MAX_WEIGHT
from domain.accounts import SCOPE_ID
from domain.programme import (DEFAULT_EVALUATION_QUESTIONS, DEFAULT_FIRST_MEETING_CHECKLIST,
                              DEFAULT_INTERVIEW_QUESTIONS, DEFAULT_MATCHING_CRITERIA, DEFAULT_SELECTION_CRITERIA)
from domain.programmes import CRITERION_KEY, OWN_CRITERION_KEY, SETTING_BOUNDS  # the domain's own bounds: one source

# Positions in query parameters: bounded, so no database is asked for a number it cannot hold.
MAX_INDEX = 2 ** 31 - 1

Text = text(5000)
RequiredText = text(5000, min_length=1)
Name = line(200, min_length=1)
Language = line(40, min_length=2)
Phone = line(40)
Id = line(64, min_length=1)
Key = line(100, min_length=1)

MeetingMode = Literal[c.MEETING_MODES]
ContactChannel = Literal[c.CONTACT_CHANNELS]
Owner = Literal[c.ACTION_OWNERS]
ActionStatus = Literal[c.ACTION_STATUSES]
Side = Literal["mentor", "mentee"]
Party = Literal["mentor", "mentee", "programme"]
Minutes = whole(gt=0, le=480)


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def optional(**kwargs: Any) -> Any:
    """A field that may be left out (its value is then kept) but is never null."""
    return Field(None, json_schema_extra=_no_default, **kwargs)


def _keys_described(keys: dict[str, str], what: str) -> str:
    listed = "; ".join(f"`{key}` ({label})" for key, label in keys.items())
    return f"{what} Programme par défaut : {listed}. Un autre programme définit ses propres clés."


CHECKLIST_KEYS = _keys_described(DEFAULT_FIRST_MEETING_CHECKLIST, "Les points de la grille abordés, par leur clé.")
QUESTION_KEYS = _keys_described(DEFAULT_EVALUATION_QUESTIONS, "Les réponses, par clé de question.")


def examples(*given: dict[str, Any], **schema: Any) -> ConfigDict:
    """A model's examples in the OpenAPI (and more of its JSON Schema, e.g. `minProperties`)."""
    return ConfigDict(json_schema_extra={**schema, "examples": list(given)})


class Input(BaseModel):
    # Strict: a JSON value of another type than the schema's is refused (no "3" for 3, no 1 for true).
    model_config = ConfigDict(extra="forbid", strict=True)


class CommandInput(Input):
    occurred_at: Moment | None = Field(
        None, description="Quand c'est arrivé (par défaut : maintenant). Une saisie tardive garde sa vraie date.")


# --- persons --------------------------------------------------------------------------------------

ProgrammeId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
# The shape of an account's scope ids: an organisation is named the same on a person and on an account.
OrganisationId = Annotated[str, StringConstraints(pattern=SCOPE_ID.pattern)]
Capacity = Annotated[whole(ge=1, le=10), Field(description="Nombre de binômes ouverts à la fois.")]
Languages = Annotated[list[Language], Field(max_length=20)]


class PersonIn(Input):
    name: Name
    email: Email | None = None
    phone: Phone | None = None
    languages: Languages = Field(default_factory=list)
    programme_id: ProgrammeId = Field("default", description="Le programme de la personne.")
    organisation_id: OrganisationId | None = Field(
        None, description="L'organisation partenaire : l'ISP qui oriente un mentee, l'entreprise qui emploie un "
                          "mentor (ses utilisateurs ne voient que leurs personnes).")


class MenteeIn(PersonIn):
    model_config = examples(
        {"name": "Bilal Amrani", "email": "bilal@example.org", "phone": "+32 470 12 34 56", "languages": ["fr", "ar"]},
        {"name": "Sara Janssens", "organisation_id": "actiris", "adviser": "Marc Dubois"})

    step: Literal[persons.REGISTRATION_STEPS["mentee"]] = optional(
        description="Par défaut, la première étape du parcours (`applied`). Pour reprendre un mentee sélectionné "
                    "avant que le programme utilise Mentorat : `selected` (fait enregistré).")
    adviser: Name = optional(description="Le conseiller de l'ISP qui oriente le mentee (avec `organisation_id`).")


class MentorIn(PersonIn):
    model_config = examples({"name": "Anne Peeters", "email": "anne@example.org", "languages": ["fr", "nl"],
                             "capacity": 2, "background": "employee", "organisation_id": "acme"})

    capacity: Capacity = optional()
    step: Literal[persons.REGISTRATION_STEPS["mentor"]] = optional(
        description="Par défaut, la première étape du parcours (`candidate`). Pour reprendre un mentor déjà formé "
                    "avant que le programme utilise Mentorat : `ready` (fait enregistré).")
    background: Literal[persons.BACKGROUNDS] = optional(
        description="Salarié d'une entreprise partenaire (avec `organisation_id`), indépendant, ou chef "
                    "d'entreprise.")


class MenteeChangeIn(Input):
    """Only the fields given change; each change is a fact on the person's stream. `null` removes an e-mail or a
    phone number."""

    model_config = examples({"phone": "+32 470 65 43 21"}, {"name": "Bilal Amrani", "languages": ["fr", "ar", "nl"]},
                            minProperties=1)

    name: Name = optional()
    email: Email | None = optional()
    phone: Phone | None = optional()
    languages: Languages = optional()
    organisation_id: OrganisationId | None = optional()


class MentorChangeIn(MenteeChangeIn):
    model_config = examples({"capacity": 3}, {"languages": ["fr", "en"]}, minProperties=1)

    capacity: Capacity = optional()


PERSON_IN: dict[str, type[PersonIn]] = {"mentor": MentorIn, "mentee": MenteeIn}
PERSON_CHANGE_IN: dict[str, type[MenteeChangeIn]] = {"mentor": MentorChangeIn, "mentee": MenteeChangeIn}


class PersonOut(BaseModel):
    person_id: str
    role: str
    name: str
    email: str | None
    phone: str | None
    languages: list[str]
    registered_at: datetime
    programme_id: str = "default"
    capacity: int | None = None
    organisation_id: str | None = None
    step: str = Field(description="L'étape du parcours : `candidate`, `informed`, `interviewed`, `ready`, "
                                  "`departed` (mentors) ; `applied`, `presented`, `interviewed`, `selected`, "
                                  "`not_selected` (mentees).")
    step_label: str = Field(description="L'étape, dans la langue du lecteur.")
    step_since: datetime
    background: str | None = None
    adviser: str | None = None
    paused_until: datetime | None = None
    profile: dict[str, Any] | None = Field(
        None, description="Le profil de matching (équipe du programme et la personne elle-même ; null pour les "
                          "partenaires).")


# --- programmes -----------------------------------------------------------------------------------

def _setting(name: str) -> Any:
    """The domain's bounds, in the schema; the domain checks them (and says `setting_out_of_range`, min to max)."""
    low, high = SETTING_BOUNDS[name]
    return Annotated[whole(), Documented(minimum=low, maximum=high)]


Labels = Annotated[dict[Key, text(500, min_length=1)], Field(min_length=1, max_length=30), KeysAsNames()]
# Criteria are named in field paths (`criteria.<key>`): plain keys, and a programme may have none of its own.
# Pydantic's regular expressions have no look-ahead: the key's shape is checked here, the two reserved names by the
# domain (422 naming the key), and the schema says both.
CriterionKey = Annotated[str, StringConstraints(pattern=CRITERION_KEY.pattern)]
CriterionLabels = Annotated[dict[CriterionKey, text(500, min_length=1)], Field(max_length=30),
                            KeysAsNames(OWN_CRITERION_KEY.pattern)]


class MatchingRule(Input):
    mandatory: bool = Field(description="Obligatoire : une paire où ce critère ne tient pas n'est jamais proposée.")
    weight: Annotated[whole(), Documented(minimum=0, maximum=MAX_WEIGHT)] = Field(
        description="Son poids : sa part des 100 points du score, au prorata des poids.")


MatchingCriteria = Annotated[dict[Literal[tuple(matching.CRITERIA)], MatchingRule], Field(min_length=1)]


class ProgrammeSettings(Input):
    """A programme's settings; only those given are set (the others keep the programme's defaults)."""

    name: Name = optional()
    proposal_response_days: _setting("proposal_response_days") = optional()
    first_meeting_days: _setting("first_meeting_days") = optional()
    first_meeting_minutes: _setting("first_meeting_minutes") = optional()
    meeting_minutes: _setting("meeting_minutes") = optional()
    period_months: _setting("period_months") = optional()
    min_meetings_per_month: _setting("min_meetings_per_month") = optional()
    cadence_grace_days: _setting("cadence_grace_days") = optional()
    monitoring_interval_weeks: _setting("monitoring_interval_weeks") = optional()
    monitoring_grace_days: _setting("monitoring_grace_days") = optional()
    evaluation_days: _setting("evaluation_days") = optional()
    evaluation_questions: Labels = optional(
        description="Les questions de l'évaluation, par clé.", examples=[DEFAULT_EVALUATION_QUESTIONS])
    first_meeting_checklist: Labels = optional(
        description="Les points de la grille de la première rencontre, par clé.",
        examples=[DEFAULT_FIRST_MEETING_CHECKLIST])
    journey_step_days: _setting("journey_step_days") = optional(
        description="Au-delà de ce délai à une même étape de son parcours, une personne apparaît comme bloquée.")
    selection_criteria: CriterionLabels = optional(
        description="Les critères de sélection propres au programme, par clé (les deux critères requis, "
                    "`available_full_time` et `wants_mentoring`, s'y ajoutent toujours).",
        examples=[DEFAULT_SELECTION_CRITERIA])
    interview_questions: Labels = optional(
        description="La grille de l'entretien de sélection des mentees : les questions, par clé.",
        examples=[DEFAULT_INTERVIEW_QUESTIONS])
    matching_criteria: MatchingCriteria = optional(
        description="Les critères que croise le matching, chacun obligatoire ou non et pondéré (au moins un poids "
                    "non nul) ; tous les remplace.", examples=[DEFAULT_MATCHING_CRITERIA])


class ProgrammeSettingsIn(ProgrammeSettings):
    model_config = examples({"proposal_response_days": 10}, {"name": "Mentorat Wallonie", "period_months": 9},
                            minProperties=1)


class ProgrammeIn(ProgrammeSettings):
    model_config = examples({"programme_id": "bruxelles", "name": "Mentorat Bruxelles", "proposal_response_days": 10})

    programme_id: ProgrammeId


class ProgrammeOut(BaseModel):
    programme_id: str
    name: str
    settings: dict[str, Any]


# What every page of a list says beside its items (pages are read by keys: api/cursors.py).
Total = Annotated[int | None, Field(
    description="Combien de lignes répondent aux filtres, sur la première page seulement (sans `cursor`) ; null "
                "sur les suivantes : compter relit toutes ces lignes, ce qu'une page n'a pas à payer.")]
NextCursor = Annotated[str | None, Field(
    description="À passer tel quel en `cursor`, avec les mêmes filtres, pour la page suivante ; null sur la "
                "dernière. Une ligne ajoutée ou changée entre deux pages ne fait ni répéter ni sauter une ligne "
                "restée à sa place dans l'ordre.")]


class PersonPage(BaseModel):
    items: list[PersonOut] = Field(description="Par nom, puis par identifiant.")
    total: Total
    limit: int
    next_cursor: NextCursor


# --- binôme commands -----------------------------------------------------------------------------

class ProposalIn(CommandInput):
    model_config = examples({"mentor_id": "1b4e28ba-2fa1-4d3b-883f-0016d3cca427",
                             "mentee_id": "6ecd8c99-4036-403d-bf84-cf8400f67836", "note": "Même secteur (logistique)"})

    mentor_id: Id
    mentee_id: Id
    note: Text = ""


class RefusalIn(CommandInput):
    model_config = examples({"reason": "Indisponible jusqu'en septembre"})

    reason: RequiredText


class AcceptIn(CommandInput):
    model_config = examples({}, {"occurred_at": "2025-03-03T09:30:00+01:00"})


class FirstMeetingIn(CommandInput):
    model_config = examples({"mode": "in_person", "checklist": ["expectations", "availability"],
                             "duration_minutes": 90, "notes": "Bon contact"})

    mode: MeetingMode
    checklist: list[Key] = Field(default_factory=list, max_length=50, description=CHECKLIST_KEYS,
                                 examples=[list(DEFAULT_FIRST_MEETING_CHECKLIST)])
    duration_minutes: Minutes | None = None
    notes: Text = ""


class ValidationIn(CommandInput):
    model_config = examples({"side": "mentor", "decision": "validated"},
                            {"side": "mentee", "decision": "refused", "reason": "Horaires incompatibles"})

    side: Side
    decision: Literal[c.VALIDATION_DECISIONS]
    reason: Text = ""


class SignatureIn(CommandInput):
    model_config = examples({"party": "programme"})

    party: Party


class AnalysisIn(CommandInput):
    model_config = examples({"strengths": ["Réseau dans la logistique"], "weaknesses": ["CV daté"]})

    strengths: list[RequiredText] = Field(min_length=1, max_length=50)
    weaknesses: list[RequiredText] = Field(min_length=1, max_length=50)


class ActionIn(Input):
    title: line(500, min_length=1)
    owner: Owner
    due_on: Day | None = None


class ActionPlanIn(CommandInput):
    model_config = examples({"actions": [{"title": "Refaire le CV", "owner": "mentee", "due_on": "2025-04-30"},
                                         {"title": "Présenter deux contacts", "owner": "mentor"}]})

    actions: list[ActionIn] = Field(min_length=1, max_length=100)


class NewActionIn(CommandInput, ActionIn):
    model_config = examples({"title": "Préparer l'entretien chez Logistix", "owner": "both", "due_on": "2025-05-15"})


class ActionChangeIn(CommandInput):
    """A status, a due date, or both."""

    model_config = examples({"status": "done", "note": "CV envoyé"}, {"due_on": "2025-06-30"},
                            anyOf=[{"required": ["status"]}, {"required": ["due_on"]}])

    status: ActionStatus = optional()
    due_on: Day = optional()
    note: Text = ""


class MeetingIn(CommandInput):
    model_config = examples({"mode": "video", "duration_minutes": 60, "notes": "Préparation d'entretien"})

    mode: MeetingMode
    duration_minutes: Minutes | None = None
    notes: Text = ""
    actions_progressed: list[Id] = Field(default_factory=list, max_length=100,
                                         description="Les actions du plan qui ont avancé, par leur action_id.")


class ContactIn(CommandInput):
    model_config = examples({"channel": "phone", "notes": "Point sur les candidatures"})

    channel: ContactChannel
    notes: Text = ""


class MonitoringContactIn(CommandInput):
    model_config = examples({"channel": "phone", "outcome": "Le binôme se voit toutes les deux semaines"})

    channel: Literal[c.CONTACT_CHANNELS + ("in_person", "video")] = "phone"
    outcome: RequiredText


class PositiveExitIn(CommandInput):
    model_config = examples({"outcome": "job", "details": "CDI de magasinier"})

    outcome: Literal[c.POSITIVE_OUTCOMES]
    details: Text = ""


class EarlyStopIn(CommandInput):
    model_config = examples({"by": "mentee", "reason": "Déménagement"})

    by: Literal[c.EARLY_STOP_BY]
    reason: RequiredText


class ClosureMeetingIn(CommandInput):
    model_config = examples({"notes": "Bilan positif"})

    notes: Text = ""


class EvaluationIn(CommandInput):
    model_config = examples({"side": "mentee", "rating": 5, "answers": {
        "objectives_reached": "Oui, j'ai trouvé un emploi", "recommend": "Oui"}})

    side: Side
    answers: Annotated[dict[Key, Text], KeysAsNames()] = Field(
        min_length=1, max_length=50, description=QUESTION_KEYS,
        examples=[{key: "…" for key in DEFAULT_EVALUATION_QUESTIONS}])
    rating: whole(ge=1, le=5)


# --- outputs -------------------------------------------------------------------------------------

class FactOut(BaseModel):
    position: int
    type: str
    occurred_at: datetime
    recorded_at: datetime
    actor: str
    data: dict[str, Any]
    command_id: str | None = None


class CommandResult(BaseModel):
    binome_id: str
    recorded: list[FactOut] = Field(description="Les faits enregistrés par cette commande.")


class History(BaseModel):
    binome_id: str
    facts: list[FactOut]


class DueDate(BaseModel):
    what: str
    at: datetime


class ActionOut(BaseModel):
    action_id: str
    title: str
    owner: str
    due_on: str | None
    status: str
    updated_at: datetime


class TaskOut(BaseModel):
    task_id: str
    binome_id: str | None = Field(description="Le binôme concerné (les tâches d'un binôme).")
    person_id: str | None = Field(description="La personne concernée (`journey_stuck` : en attente à une étape de "
                                              "son parcours depuis plus longtemps que le délai du programme ; "
                                              "`suggestions_ready`, `proposal_expired` : le mentee à proposer à "
                                              "nouveau, voir ses suggestions).")
    session_id: str | None = Field(description="La séance concernée (`session_attendance` : commencée, ses "
                                               "présences pas encore enregistrées).")
    kind: str
    label: str
    since: datetime
    overdue: bool
    overdue_since: datetime | None


class TaskPage(BaseModel):
    items: list[TaskOut] = Field(description="Les plus anciennes d'abord (`since`), puis par identifiant.")
    total: Total
    limit: int
    next_cursor: NextCursor


class BinomeSummary(BaseModel):
    binome_id: str
    stage: str
    stage_label: str
    mentor_id: str | None
    mentee_id: str | None
    overdue: bool
    next_due_at: datetime | None
    version: int


class BinomePage(BaseModel):
    items: list[BinomeSummary] = Field(description="Les plus récemment proposés d'abord, puis par identifiant "
                                                   "(décroissant).")
    total: Total
    limit: int
    next_cursor: NextCursor


class BinomeOut(BaseModel):
    binome_id: str
    stage: str
    stage_label: str
    mentor_id: str | None
    mentee_id: str | None
    programme_id: str
    version: int
    proposed_at: datetime | None
    accepted_at: datetime | None
    first_meeting_at: datetime | None
    validations: dict[str, datetime]
    signatures: dict[str, datetime]
    period_start: datetime | None
    term_at: datetime | None
    exit_kind: str | None
    exit_at: datetime | None
    ended_reason: str | None
    closure_meeting_at: datetime | None
    evaluations: dict[str, datetime]
    completed_at: datetime | None
    completion_reason: str | None
    meetings_held: int
    meetings_by_month: list[int]
    contacts_logged: int
    next_due: list[DueDate]
    action_plan: list[ActionOut]
    open_tasks: list[TaskOut]
