"""The stages of a binôme, with their staff-facing (French) labels."""

from enum import StrEnum


class Stage(StrEnum):
    PROPOSED = "proposed"
    PROPOSAL_REFUSED = "proposal_refused"
    PROPOSAL_EXPIRED = "proposal_expired"
    AWAITING_FIRST_MEETING = "awaiting_first_meeting"
    AWAITING_VALIDATION = "awaiting_validation"
    REFUSED_AT_VALIDATION = "refused_at_validation"
    AWAITING_CONTRACT = "awaiting_contract"
    INTAKE = "intake"
    ACTIVE = "active"
    CLOSURE_DUE = "closure_due"
    EVALUATION = "evaluation"
    COMPLETED = "completed"


TERMINAL_STAGES = frozenset({Stage.PROPOSAL_REFUSED, Stage.PROPOSAL_EXPIRED, Stage.REFUSED_AT_VALIDATION, Stage.COMPLETED})

STAGE_LABELS_FR: dict[Stage, str] = {
    Stage.PROPOSED: "Proposé au mentor",
    Stage.PROPOSAL_REFUSED: "Refusé par le mentor",
    Stage.PROPOSAL_EXPIRED: "Proposition expirée",
    Stage.AWAITING_FIRST_MEETING: "Première rencontre attendue",
    Stage.AWAITING_VALIDATION: "Validation attendue",
    Stage.REFUSED_AT_VALIDATION: "Refusé à la validation",
    Stage.AWAITING_CONTRACT: "Contrat à signer",
    Stage.INTAKE: "In-take",
    Stage.ACTIVE: "Travail en binôme",
    Stage.CLOSURE_DUE: "Clôture à organiser",
    Stage.EVALUATION: "Évaluation",
    Stage.COMPLETED: "Terminé",
}
