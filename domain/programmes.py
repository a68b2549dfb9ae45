"""Programmes as streams of facts: created with their settings, settings changed later. A new binôme takes its
programme's settings at its proposal; a running binôme keeps those it started with (see `domain.programme`)."""

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain import matching
from domain.errors import InvalidInput, NotAllowed
from domain.facts import Actor, Fact
from domain.idempotency import already_recorded
from domain.journeys import REQUIRED_CRITERIA
from domain.programme import Programme

PROGRAMME_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
# A criterion's key names a field (`criteria.<key>`) in the selection decision; a programme's own criteria take
# other keys than the two every programme requires.
CRITERION_KEY = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
OWN_CRITERION_KEY = re.compile(rf"^(?!(?:{'|'.join(REQUIRED_CRITERIA)})$)[a-z][a-z0-9_]{{0,49}}$")
# Settings a programme may change (the id is its name for ever).
SETTINGS = tuple(f.name for f in dataclasses.fields(Programme) if f.name != "id")
# Bounds for the numeric settings: a delay of zero or of ten years is a typo.
SETTING_BOUNDS = {
    "proposal_response_days": (1, 90), "first_meeting_days": (1, 180), "first_meeting_minutes": (15, 480),
    "meeting_minutes": (15, 480), "period_months": (1, 24), "min_meetings_per_month": (0, 31),
    "cadence_grace_days": (0, 28), "monitoring_interval_weeks": (1, 26), "monitoring_grace_days": (0, 60),
    "evaluation_days": (1, 180), "journey_step_days": (1, 365),
}
# A programme may have no selection criteria of its own (the two required ones always apply).
MAY_BE_EMPTY = frozenset({"selection_criteria"})


@dataclass
class ProgrammeState:
    programme_id: str
    programme: Programme | None = None
    created_at: datetime | None = None
    version: int = 0
    commands: dict[str, str | None] = field(default_factory=dict)

    @property
    def exists(self) -> bool:
        return self.programme is not None


def create(state: ProgrammeState, settings: dict[str, Any], actor: Actor, at: datetime, command_id: str,
           fingerprint: str | None) -> list[Fact]:
    if not PROGRAMME_ID.match(state.programme_id):
        raise InvalidInput("programme_id_invalid", field="programme_id")
    if state.exists:
        if state.commands.get(command_id, _ABSENT) == fingerprint:
            return []
        raise NotAllowed("programme_exists", programme_id=state.programme_id)
    programme = _with(Programme(id=state.programme_id), settings)
    return [Fact("ProgrammeCreated", 1, at, actor,
                 {"programme_id": state.programme_id, "settings": _settings_of(programme)}, command_id, fingerprint)]


def change_settings(state: ProgrammeState, changes: dict[str, Any], actor: Actor, at: datetime, command_id: str,
                    fingerprint: str | None) -> list[Fact]:
    if not state.exists:
        raise NotAllowed("programme_not_found", programme_id=state.programme_id)
    if already_recorded(state.commands, command_id, fingerprint):
        return []
    if not changes:
        raise InvalidInput("changes_required", field="changes")
    _with(state.programme, changes)
    return [Fact("ProgrammeSettingsChanged", state.version + 1, at, actor, {"changes": dict(changes)}, command_id,
                 fingerprint)]


_ABSENT = object()


def _with(programme: Programme, settings: dict[str, Any]) -> Programme:
    """`programme` with `settings` applied, each checked."""
    for name, value in settings.items():
        if name not in SETTINGS:
            raise InvalidInput("field_unknown", field=name)
        low_high = SETTING_BOUNDS.get(name)
        if low_high is not None:
            if not isinstance(value, int) or isinstance(value, bool) or not low_high[0] <= value <= low_high[1]:
                raise InvalidInput("setting_out_of_range", field=name, min=low_high[0], max=low_high[1])
        elif name == "matching_criteria":
            matching.check_criteria(value, name)
        elif name == "name":
            if not isinstance(value, str) or not value.strip() or len(value) > 200:
                raise InvalidInput("text_required", field=name, what_code="field.programme_name")
        elif not isinstance(value, dict) or not (value or name in MAY_BE_EMPTY) or not all(
                isinstance(k, str) and isinstance(v, str) and k and v for k, v in value.items()):
            raise InvalidInput("setting_invalid", field=name)
        elif name == "selection_criteria":
            for key in value:
                if not OWN_CRITERION_KEY.match(key):
                    raise InvalidInput("criterion_key_invalid", field=f"{name}.{key}")
    return dataclasses.replace(programme, **settings)


def _settings_of(programme: Programme) -> dict[str, Any]:
    data = programme.to_dict()
    data.pop("id")
    return data


def evolve(state: ProgrammeState, fact: Fact) -> ProgrammeState:
    if fact.type == "ProgrammeCreated":
        state.programme = Programme(id=state.programme_id, **fact.data["settings"])
        state.created_at = fact.occurred_at
    elif fact.type == "ProgrammeSettingsChanged":
        state.programme = dataclasses.replace(state.programme, **fact.data["changes"])
    state.version = fact.position
    if fact.command_id is not None:
        state.commands.setdefault(fact.command_id, fact.fingerprint)
    return state


def fold(programme_id: str, facts: list[Fact]) -> ProgrammeState:
    state = ProgrammeState(programme_id)
    for fact in facts:
        evolve(state, fact)
    return state
