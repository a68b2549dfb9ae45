"""A binôme's facts as its audit timeline: what happened (in the reader's language), when it happened, when it was
recorded, who did it, and the data it holds; the same rows in the page, the CSV and the PDF."""

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from api.csv_cells import safe_cell
from eventstore import RecordedFact

# The filter's kinds: every binôme fact belongs to one.
KINDS: dict[str, tuple[str, ...]] = {
    "proposal": ("MentorshipProposed", "PairMatched", "ProposalAccepted", "ProposalRefused", "ProposalExpired",
                 "FirstMeetingOverdue", "FirstMeetingHeld"),
    "contract": ("BinomeValidated", "BinomeRefused", "ContractSigned", "MentorshipStarted"),
    "plan": ("StrengthsWeaknessesAnalysed", "ActionPlanAgreed", "ActionAdded", "ActionUpdated"),
    "meetings": ("MeetingHeld", "ContactLogged", "CadenceMet", "CadenceShortfall"),
    "monitoring": ("MonitoringContactDue", "MonitoringContactOverdue", "MonitoringContactRecorded"),
    "closure": ("PositiveExitRecorded", "EarlyStopRecorded", "TermReached", "ClosureMeetingHeld",
                "EvaluationRequested", "EvaluationRecorded", "BinomeCompleted"),
}
KIND_OF = {fact_type: kind for kind, types in KINDS.items() for fact_type in types}
# Copied into the proposal for the record, or the matching's workings: the API's history has them whole.
BULKY = frozenset({"programme", "lines", "criteria"})


@dataclass(frozen=True)
class Entry:
    position: int
    type: str
    kind: str
    occurred_at: datetime
    recorded_at: datetime
    actor_kind: str
    actor: str  # a name where one is known, else the actor's id
    details: tuple[tuple[str, str], ...]


def entries(facts: list[RecordedFact], names: Mapping[str, str], kind: str | None = None) -> list[Entry]:
    shown = []
    for recorded in facts:
        fact = recorded.fact
        fact_kind = KIND_OF.get(fact.type, "other")
        if kind and fact_kind != kind:
            continue
        shown.append(Entry(fact.position, fact.type, fact_kind, fact.occurred_at, recorded.recorded_at,
                           fact.actor.kind, names.get(fact.actor.id, fact.actor.id), tuple(details(fact.data))))
    return shown


async def named_entries(accounts, facts: list[RecordedFact], names: Mapping[str, str],
                        kind: str | None = None) -> list[Entry]:
    """`entries`, each actor named: the people by `names`, the staff by their username (`accounts`' service)."""
    staff = {recorded.fact.actor.id for recorded in facts if recorded.fact.actor.kind == "staff"}
    return entries(facts, {**names, **await accounts.usernames(staff)}, kind)


def details(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(name, _text(value)) for name, value in data.items()
            if name not in BULKY and value not in (None, "", [], {})]


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_text(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_text(item)}" for key, item in value.items())
    return str(value)


def as_csv(rows: list[Entry], label) -> str:
    """One line per fact; `label(entry)` says what it is in the reader's language."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["position", "occurred_at", "recorded_at", "actor_kind", "actor", "type", "what", "details"])
    for entry in rows:
        writer.writerow([entry.position, entry.occurred_at.isoformat(), entry.recorded_at.isoformat(),
                         entry.actor_kind, safe_cell(entry.actor), entry.type, safe_cell(label(entry)),
                         safe_cell(json.dumps(dict(entry.details), ensure_ascii=False))])
    return out.getvalue()
