"""Bodies and answers of matching (application.matching): suggestions, a pair explained, cohort drafts."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from api.fields import text
from api.schemas import Id, Input, ProgrammeId, examples
from application.matching import PROPOSALS_PER_CALL

EXAMPLE_MENTOR, EXAMPLE_MENTEE = "1b4e28ba-2fa1-4d3b-883f-0016d3cca427", "6ecd8c99-4036-403d-bf84-cf8400f67836"


class LineOut(BaseModel):
    criterion: str
    label: str = Field(description="Le critère, dans la langue du lecteur.")
    mandatory: bool
    holds: bool
    known: bool = Field(description="false : un des deux profils ne dit pas ce que ce critère compare.")
    points: int
    max_points: int
    params: dict[str, Any] = Field(description="Ce qui a correspondu (ou non), tel que le texte le dit.")
    text: str = Field(description="L'explication, dans la langue du lecteur.")


class SuggestionOut(BaseModel):
    person_id: str
    name: str
    score: int = Field(description="De 0 à 100 : la somme des points de ses lignes.")
    lines: list[LineOut]


class SuggestionsOut(BaseModel):
    person_id: str
    role: str
    programme_id: str
    available: int = Field(description="Combien de personnes de l'autre côté peuvent être proposées maintenant.")
    excluded_before: int = Field(description="Combien d'entre elles ont déjà formé une paire avec cette personne "
                                             "(refus, expiration, binôme) : jamais suggérées à nouveau.")
    items: list[SuggestionOut] = Field(description="Les meilleures, score décroissant, puis par identifiant.")


class ReasonOut(BaseModel):
    code: str
    params: dict[str, Any]
    message: str


class PairOut(BaseModel):
    mentor_id: str
    mentor_name: str
    mentee_id: str
    mentee_name: str
    programme_id: str
    score: int
    lines: list[LineOut]
    may_be_proposed: bool = Field(description="Aucune raison ne s'y oppose (ni règle, ni critère obligatoire, ni "
                                              "brouillon : voir `reasons`).")
    reasons: list[ReasonOut] = Field(description="Pourquoi pas cette paire : chaque raison.")
    in_draft: bool | None = Field(None, description="Avec `draft_id` : si le brouillon contient cette paire.")


class MatchProposalIn(Input):
    model_config = examples({"mentor_id": EXAMPLE_MENTOR, "mentee_id": EXAMPLE_MENTEE})

    mentor_id: Id
    mentee_id: Id
    note: text(2000) = ""


class DraftIn(Input):
    model_config = examples({"programme_id": "default"})

    programme_id: ProgrammeId


class DraftPairOut(BaseModel):
    mentee_id: str
    mentee_name: str | None
    mentor_id: str
    mentor_name: str | None
    score: int
    binome_id: str | None = Field(description="Le binôme, une fois la paire proposée.")
    stage: str | None


class UnmatchedOut(BaseModel):
    mentee_id: str
    mentee_name: str | None


class DraftOut(BaseModel):
    draft_id: str
    programme_id: str
    made_at: datetime
    made_by: str | None
    criteria: dict[str, dict[str, Any]] = Field(description="Les critères et poids en vigueur quand il a été fait.")
    pairs: list[DraftPairOut] = Field(description="Score décroissant.")
    unmatched: list[UnmatchedOut] = Field(description="Les mentees en attente sans mentor dans ce brouillon.")
    total_score: int
    removed: int
    proposed: int


class RemovalIn(Input):
    model_config = examples({"mentee_id": EXAMPLE_MENTEE})

    mentee_id: Id


class SwapIn(Input):
    model_config = examples({"mentee_ids": [EXAMPLE_MENTEE, "0b9e8f7a-3c2d-4e1f-8a6b-5d4c3b2a1f0e"]})

    mentee_ids: Annotated[list[Id], Field(
        min_length=2, max_length=2, description="Deux mentees du brouillon : chacun reçoit le mentor de l'autre.")]


class DraftProposalsIn(Input):
    model_config = examples({"mentee_ids": [EXAMPLE_MENTEE]})

    mentee_ids: Annotated[list[Id], Field(min_length=1, max_length=PROPOSALS_PER_CALL, description=(
        f"Les paires à proposer, par mentee (au plus {PROPOSALS_PER_CALL} par appel) ; une paire déjà proposée "
        "renvoie son binôme, rien de plus."))]


class DraftProposalOut(BaseModel):
    mentee_id: str
    mentor_id: str
    binome_id: str | None = Field(description="Le binôme proposé (déjà proposé : le même).")
    code: str | None = Field(description="Pourquoi elle n'a pas été proposée (null : proposée).")
    message: str | None


class DraftProposalsOut(BaseModel):
    results: list[DraftProposalOut]
    remaining: int = Field(description="Combien de paires du brouillon restent à proposer.")
