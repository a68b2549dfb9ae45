"""Bodies and answers of sessions (domain.sessions): scheduling, registrations, attendance."""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from api.fields import PLAIN, Moment, line, whole
from api.schemas import Input, ProgrammeId, Total, NextCursor, examples, optional
from domain import sessions
from domain.persons import DEFAULT_PROGRAMME_ID

PersonRef = Annotated[str, StringConstraints(max_length=64, pattern=PLAIN)]
# One pattern (a schema holds one): https, then printable ASCII without spaces.
VideoLink = Annotated[str, StringConstraints(max_length=sessions.PLACE_LIMIT, pattern=r"^https://[!-~]+$")]


class SessionIn(Input):
    model_config = examples(
        {"kind": "information_session", "starts_at": "2026-03-10T18:00:00+01:00", "capacity": 20,
         "place": "Rue Royale 1, 1000 Bruxelles"},
        {"kind": "training", "starts_at": "2026-03-21T09:00:00+01:00", "capacity": 12, "duration_minutes": 210,
         "video_link": "https://meet.example.org/formation-mars", "title": "Formation de mars"},
        anyOf=[{"required": ["place"]}, {"required": ["video_link"]}])

    kind: Literal[tuple(sessions.KINDS)] = Field(description="`information_session` (mentors), `training` "
                                                            "(mentors), `presentation` (mentees), "
                                                            "`community_meeting` (mentors).")
    programme_id: ProgrammeId = DEFAULT_PROGRAMME_ID
    starts_at: Moment
    capacity: whole(ge=sessions.CAPACITY[0], le=sessions.CAPACITY[1])
    duration_minutes: whole(ge=1, le=600) = optional(description="Par défaut, la durée de ce type de séance.")
    title: line(sessions.TITLE_LIMIT) = ""
    place: line(sessions.PLACE_LIMIT, min_length=1) = optional(
        description="Le lieu ; ou un lien de visioconférence, ou les deux (l'un des deux est requis).")
    video_link: VideoLink = optional(description="Un lien https.")


class RegistrationIn(Input):
    model_config = examples({"person_id": "0b9e8f7a-3c2d-4e1f-8a6b-5d4c3b2a1f0e"})

    person_id: PersonRef


class AttendanceListIn(Input):
    model_config = examples({"attended": ["0b9e8f7a-3c2d-4e1f-8a6b-5d4c3b2a1f0e"]})

    attended: Annotated[list[PersonRef], Field(max_length=sessions.CAPACITY[1] * 2)] = Field(
        description="Les personnes présentes (inscrites, ou sur la liste d'attente) ; les autres inscrits sont "
                    "notés absents. Chaque présent avance d'une étape dans son parcours.")


class RegistrationOut(BaseModel):
    person_id: str
    name: str | None
    status: Literal[sessions.SEAT, sessions.WAITING, sessions.CANCELLED] = Field(
        description="`seat` : une place ; `waiting` : sur la liste d'attente ; `cancelled` : désinscrit.")
    registered_at: datetime | None
    attended: bool | None = Field(description="null tant que les présences ne sont pas enregistrées.")


class SessionSummary(BaseModel):
    session_id: str
    programme_id: str
    kind: str
    kind_label: str
    title: str
    starts_at: datetime
    duration_minutes: int
    place: str
    video_link: str
    capacity: int
    seats_taken: int
    waiting: int
    attended: int | None = Field(description="Combien étaient présents ; null tant que ce n'est pas enregistré.")
    version: int


class SessionOut(SessionSummary):
    registrations: list[RegistrationOut] = Field(description="Dans l'ordre des inscriptions.")


class SessionPage(BaseModel):
    items: list[SessionSummary] = Field(description="Les plus proches d'abord (`starts_at`).")
    total: Total
    limit: int
    next_cursor: NextCursor


def summary_fields(row: dict[str, Any], kind_label: str) -> dict[str, Any]:
    return {**{name: row[name] for name in SessionSummary.model_fields if name != "kind_label"},
            "kind_label": kind_label}
