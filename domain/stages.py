"""The stages of a binôme; their labels are catalogue codes (`stage.<value>`), rendered at the edge."""

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


def stage_code(stage: str) -> str:
    """The catalogue code of a stage's label ("stage.proposed"): the edge renders it in the reader's language."""
    return f"stage.{Stage(stage).value}"
