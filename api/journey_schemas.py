"""Bodies of the journeys before the binôme (domain.journeys) and of the matching profile (domain.profiles).

The shapes are checked here, as the OpenAPI says; the rules (which step comes when, which criteria a programme
has, whether a postal code is one of its municipality's) are the domain's.
"""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, Strict, StringConstraints

from api.fields import Documented, KeysAsNames, Moment, line, text, whole, written
from api.schemas import CommandInput, FactOut, Input, PersonOut, examples, optional
from domain import journeys, places, profiles
from domain.programmes import CRITERION_KEY
from domain.sectors import NACE_SECTIONS

Minutes = Annotated[whole(ge=1, le=600), Field(description="Durée, en minutes (valorisée dans le rapport de "
                                                           "mécénat de compétences de l'entreprise).")]
InterviewText = text(5000)
Word = line(100, min_length=1)
Sector = Literal[NACE_SECTIONS]
# Belgium's municipalities and postal codes, listed in the schema; the domain refuses any other (422 naming it).
Municipality = Annotated[str, Documented(enum=places.municipality_codes())]
PostalCode = Annotated[str, Documented(enum=places.postal_codes())]
BirthDate = Annotated[date, Strict(False), BeforeValidator(written("date")),
                      Documented(pattern=r"^(?:19[0-9]{2}|20[0-9]{2})-")]
LANGUAGE_CODE = r"^[a-z]{2,3}$"
LanguageCode = Annotated[str, StringConstraints(pattern=LANGUAGE_CODE)]


class AttendanceIn(CommandInput):
    """A step attended: `occurred_at` is when it was held."""

    model_config = examples({"occurred_at": "2026-03-04T09:30:00+01:00", "duration_minutes": 60})

    duration_minutes: Minutes = optional()


class ResumeIn(CommandInput):
    model_config = examples({}, {"occurred_at": "2026-04-01T09:00:00+02:00"})


class PreparationInterviewIn(CommandInput):
    model_config = examples({"motivations": "Transmettre mon expérience du secteur logistique",
                             "professional_path": "Vingt ans en logistique, dont dix comme responsable d'entrepôt",
                             "expectations": "Accompagner une personne motivée vers un emploi durable",
                             "commitment_limits": "Pas de rencontre le week-end",
                             "profile": {"sectors": ["H"], "meeting_mode": "either"}})

    motivations: InterviewText = ""
    professional_path: InterviewText = ""
    expectations: InterviewText = ""
    commitment_limits: InterviewText = Field("", description="Les limites de l'engagement, telles que dites.")
    duration_minutes: Minutes = optional()
    combined_with_information_session: bool = Field(
        False, description="Indépendants et chefs d'entreprise : l'entretien tient lieu de séance d'information.")
    profile: "MentorProfileIn" = optional(description="Le profil de matching, relevé pendant l'entretien.")


class PauseIn(CommandInput):
    model_config = examples({"until": "2026-09-01T00:00:00+02:00", "reason": "Congé parental"})

    until: Moment = Field(description="Aucune proposition avant ce moment.")
    reason: InterviewText = ""


class DepartureIn(CommandInput):
    model_config = examples({"reason": "job_change", "note": "Mutation à l'étranger"})

    reason: Literal[journeys.DEPARTURE_REASONS]
    note: InterviewText = ""


class SelectionInterviewIn(CommandInput):
    model_config = examples({"answers": {"situation": "Sans emploi depuis 8 mois", "project": "Magasinier",
                                         "obstacles": "Pas de réseau", "expectations": "Préparer les entretiens",
                                         "availability": "En semaine"},
                             "profile": {"municipality": "21004", "postal_code": "1000", "meeting_mode": "in_person"}})

    answers: Annotated[dict[line(100, min_length=1), text(5000, min_length=1)], Field(max_length=50),
                       KeysAsNames()] = Field(
        description="Les réponses, par clé de question de la grille du programme (toutes requises).")
    duration_minutes: Minutes = optional()
    profile: "MenteeProfileIn" = optional(description="Le profil de matching, relevé pendant l'entretien.")


class SelectionDecisionIn(CommandInput):
    model_config = examples(
        {"criteria": {"available_full_time": True, "wants_mentoring": True, "professional_project": True},
         "selected": True},
        {"criteria": {"available_full_time": False, "wants_mentoring": True, "professional_project": True},
         "selected": False, "reason": "criteria_not_met"})

    criteria: Annotated[dict[Annotated[str, StringConstraints(pattern=CRITERION_KEY.pattern)], bool],
                        Field(max_length=40), KeysAsNames(CRITERION_KEY.pattern)] = Field(
        description="Chaque critère, rempli ou non : les deux requis (`available_full_time`, `wants_mentoring`) "
                    "et ceux du programme.")
    selected: bool
    reason: Literal[journeys.NOT_SELECTED_REASONS] = optional(description="Requis quand `selected` est faux.")
    note: InterviewText = ""


# --- the matching profile -----------------------------------------------------------------------

def _codes(choices: tuple[str, ...]) -> Any:
    return Annotated[list[Literal[choices]], Field(max_length=len(choices)), Documented(uniqueItems=True)]


class ProfileIn(Input):
    """Only the fields given change; `null` removes one. Codes, so matching compares like with like."""

    sectors: _codes(NACE_SECTIONS) | None = optional(description="Secteurs visés : sections NACE Rév. 2 (A à U).")
    function: line(200) | None = optional(description="La fonction visée ou exercée.")
    interests: Annotated[list[Word], Field(max_length=20)] | None = optional()
    hobbies: Annotated[list[Word], Field(max_length=20)] | None = optional()
    language_levels: Annotated[dict[LanguageCode, Literal[profiles.CEFR_LEVELS]], Field(max_length=20),
                               KeysAsNames(LANGUAGE_CODE)] | None = optional(
        description="Niveau par langue (code ISO 639), sur l'échelle du CECR, ou `native`.")
    birth_date: BirthDate | None = optional(description="AAAA-MM-JJ (un âge de 15 à 100 ans le jour où il est "
                                                        "enregistré).")
    gender: Literal[profiles.GENDERS] | None = optional(description="Facultatif : pour l'analyse annuelle des profils.")
    education_level: whole(ge=0, le=8) | None = optional(description="Niveau CITE/ISCED 2011, de 0 à 8.")
    municipality: Municipality | None = optional(
        description="La commune, par son code INS (REFNIS) : données Statbel (CC BY 4.0), depuis les fusions de 2025.")
    postal_code: PostalCode | None = optional(description="Un code postal de cette commune.")
    mobility: _codes(profiles.MOBILITY) | None = optional()
    expectations: text(2000) | None = optional(description="Attentes vis-à-vis du mentorat.")
    availability: _codes(profiles.AVAILABILITY_SLOTS) | None = optional(
        description="Demi-journées disponibles (`mon_am`, `mon_pm`, `mon_evening`, …).")
    meeting_mode: Literal[profiles.MEETING_PREFERENCES] | None = optional()


class MentorProfileIn(ProfileIn):
    model_config = examples({"sectors": ["H", "N"], "experience_sectors": ["H"], "language_levels": {"fr": "native",
                                                                                                     "nl": "B2"}},
                            minProperties=1)

    experience_sectors: _codes(NACE_SECTIONS) | None = optional(description="Secteurs d'expérience du mentor.")


class MenteeProfileIn(ProfileIn):
    model_config = examples({"municipality": "21004", "postal_code": "1000", "months_out_of_work": 8,
                             "availability": ["mon_am", "wed_pm"]}, minProperties=1)

    months_out_of_work: whole(ge=0, le=600) | None = optional(description="Durée d'inoccupation, en mois.")


PreparationInterviewIn.model_rebuild()
SelectionInterviewIn.model_rebuild()
PROFILE_IN: dict[str, type[ProfileIn]] = {"mentor": MentorProfileIn, "mentee": MenteeProfileIn}


# --- answers ------------------------------------------------------------------------------------

class PersonCommandResult(BaseModel):
    person: PersonOut
    recorded: list[FactOut] = Field(description="Les faits enregistrés par cette commande.")


class JourneyOut(BaseModel):
    person_id: str
    facts: list[FactOut] = Field(description="Tous les faits de la personne, dans l'ordre.")


class StuckPerson(BaseModel):
    person_id: str
    name: str
    step: str
    step_label: str
    since: datetime


class PipelineOut(BaseModel):
    programme_id: str
    steps: dict[str, int] = Field(description="Combien de personnes à chaque étape.")
    step_labels: dict[str, str]
    paused: int | None = Field(description="Mentors en pause aujourd'hui (null pour les mentees).")
    stuck_after_days: int
    stuck: list[StuckPerson] = Field(description="À la même étape depuis plus que le délai du programme, les plus "
                                                 "anciens d'abord (100 au plus).")


class PipelinesOut(BaseModel):
    items: list[PipelineOut]
