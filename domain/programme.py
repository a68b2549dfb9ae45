"""A programme's delays, cadences and durations, with the programme's own defaults."""

from dataclasses import asdict, dataclass, field
from datetime import timedelta

DEFAULT_EVALUATION_QUESTIONS: dict[str, str] = {
    "objectives_reached": "Les objectifs du mentorat ont-ils été atteints ?",
    "relationship": "Comment s'est passée la relation au sein du binôme ?",
    "programme_support": "Le soutien de l'équipe du programme a-t-il été suffisant ?",
    "recommend": "Recommanderiez-vous le mentorat ? Pourquoi ?",
}

DEFAULT_FIRST_MEETING_CHECKLIST: dict[str, str] = {
    "expectations": "Attentes de chacun vis-à-vis du mentorat",
    "availability": "Disponibilités et rythme des rencontres",
    "job_search_situation": "Situation actuelle de la recherche d'emploi",
    "confidentiality": "Confidentialité et limites de l'engagement",
    "next_steps": "Prochaines étapes (validation, contrat)",
}

# The programme's own selection criteria, beyond the two every programme requires (domain.journeys).
DEFAULT_SELECTION_CRITERIA: dict[str, str] = {
    "professional_project": "A un projet professionnel (emploi, formation, stage, création d'entreprise, études)",
}

# The selection interview's template: the programme's questions, the answers kept.
DEFAULT_INTERVIEW_QUESTIONS: dict[str, str] = {
    "situation": "Situation actuelle et parcours",
    "project": "Projet professionnel",
    "obstacles": "Freins rencontrés dans la recherche d'emploi",
    "expectations": "Attentes vis-à-vis d'un mentor",
    "availability": "Disponibilités pour les rencontres",
}

# Matching (domain.matching): the criteria the programme crosses, each mandatory (a hard filter) or not, and its
# weight (its share of the score).
DEFAULT_MATCHING_CRITERIA: dict[str, dict] = {
    "sector": {"mandatory": False, "weight": 25},
    "function": {"mandatory": False, "weight": 10},
    "interests": {"mandatory": False, "weight": 5},
    "age": {"mandatory": False, "weight": 5},
    "languages": {"mandatory": True, "weight": 15},
    "hobbies": {"mandatory": False, "weight": 5},
    "geography": {"mandatory": False, "weight": 15},
    "expectations": {"mandatory": False, "weight": 5},
    "availability": {"mandatory": False, "weight": 10},
    "meeting_mode": {"mandatory": True, "weight": 5},
}


@dataclass(frozen=True)
class Programme:
    """Every value here is recorded with each proposal, so a later change never rewrites a running binôme."""

    id: str = "default"
    name: str = "Mentorat pour l'emploi"
    proposal_response_days: int = 7
    first_meeting_days: int = 21
    first_meeting_minutes: int = 90
    meeting_minutes: int = 90
    period_months: int = 6
    min_meetings_per_month: int = 2
    # A meeting entered a few days after a month ends still counts for that month.
    cadence_grace_days: int = 3
    monitoring_interval_weeks: int = 6
    # A due monitoring contact not recorded within this many days escalates.
    monitoring_grace_days: int = 7
    evaluation_days: int = 30
    evaluation_questions: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_EVALUATION_QUESTIONS))
    first_meeting_checklist: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_FIRST_MEETING_CHECKLIST))
    # Steps 1 and 2: a person waiting longer than this at one step of their journey shows as stuck.
    journey_step_days: int = 30
    selection_criteria: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_SELECTION_CRITERIA))
    interview_questions: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_INTERVIEW_QUESTIONS))
    matching_criteria: dict[str, dict] = field(
        default_factory=lambda: {name: dict(rule) for name, rule in DEFAULT_MATCHING_CRITERIA.items()})

    @property
    def proposal_response_delay(self) -> timedelta:
        return timedelta(days=self.proposal_response_days)

    @property
    def first_meeting_delay(self) -> timedelta:
        return timedelta(days=self.first_meeting_days)

    @property
    def cadence_grace(self) -> timedelta:
        return timedelta(days=self.cadence_grace_days)

    @property
    def monitoring_interval(self) -> timedelta:
        return timedelta(weeks=self.monitoring_interval_weeks)

    @property
    def monitoring_grace(self) -> timedelta:
        return timedelta(days=self.monitoring_grace_days)

    @property
    def evaluation_delay(self) -> timedelta:
        return timedelta(days=self.evaluation_days)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Programme":
        return cls(**data)


DEFAULT_PROGRAMME = Programme()
