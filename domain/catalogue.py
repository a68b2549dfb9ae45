"""Every fact type, declared once: its stream category, its data fields, which of them are personal data and whose,
and its schema version with the upcasters that bring older stored shapes up to date.

The data subject of a personal field is who the data is about: `person` (the person whose stream it is), or on a
binôme's stream `mentor`, `mentee` or `pair` (both). Programmes must answer data-subject requests from this.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.errors import InvalidInput

BINOME, PERSON, PROGRAMME = "binome", "person", "programme"
ACCOUNT, INTEGRATION, AUDIT, ORGANISATION = "account", "integration", "audit", "organisation"
SESSION, MATCHING = "session", "matching"
CATEGORIES = (BINOME, PERSON, PROGRAMME, ACCOUNT, INTEGRATION, AUDIT, ORGANISATION, SESSION, MATCHING)
SUBJECTS = ("person", "mentor", "mentee", "pair")

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class FactSpec:
    type: str
    category: str
    fields: tuple[str, ...]
    # field -> data subject
    personal: Mapping[str, str] = field(default_factory=dict)
    version: int = 1
    # version n -> n + 1, for every n below `version`
    upcasters: Mapping[int, Upcaster] = field(default_factory=dict)


def _binome(type_: str, *fields: str, personal: Mapping[str, str] | None = None) -> FactSpec:
    return FactSpec(type_, BINOME, fields, personal or {})


def _registered_v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    # Before programmes were facts every person belonged to the one default programme.
    return {**data, "programme_id": data.get("programme_id", "default")}


def _registered_v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
    # Before partner organisations nobody was referred by an ISP or employed by a partner company.
    return {**data, "organisation_id": data.get("organisation_id")}


def _mentor_registered_v3_to_v4(data: dict[str, Any]) -> dict[str, Any]:
    # Before journeys were recorded a mentor was registered ready to mentor, with no background said.
    return {**data, "step": data.get("step", "ready"), "background": data.get("background")}


def _mentee_registered_v3_to_v4(data: dict[str, Any]) -> dict[str, Any]:
    # Before journeys were recorded a mentee was registered once selected, with no referring adviser said.
    return {**data, "step": data.get("step", "selected"), "adviser": data.get("adviser")}


def _proposed_v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "programme_id": data.get("programme_id") or data.get("programme", {}).get("id", "default")}


_SCOPE_FIELDS = ("role", "programmes", "person_id", "organisation_id")
_PASSWORD_FIELDS = ("password_hash", "must_change_password")
_PERSON_FIELDS = ("name", "email", "phone", "languages", "programme_id", "organisation_id")
_ATTENDANCE = ("duration_minutes", "session_id")
_PERSON_PERSONAL = {"name": "person", "email": "person", "phone": "person", "languages": "person"}

SPECS: dict[str, FactSpec] = {spec.type: spec for spec in (
    # A binôme's stream.
    FactSpec("MentorshipProposed", BINOME, ("mentor_id", "mentee_id", "note", "programme", "programme_id",
                                            "response_due_at"),
             {"note": "pair"}, version=2, upcasters={1: _proposed_v1_to_v2}),
    # Why matching made this pair (domain.matching.decision): recorded with the proposal it made.
    _binome("PairMatched", "source", "draft_id", "criteria", "score", "draft_score", "lines",
            personal={"lines": "pair"}),
    _binome("ProposalAccepted", "first_meeting_due_at"),
    _binome("ProposalRefused", "reason", personal={"reason": "pair"}),
    _binome("ProposalExpired", "reason"),
    _binome("FirstMeetingOverdue", "due_at"),
    _binome("FirstMeetingHeld", "mode", "duration_minutes", "checklist_covered", "checklist_missing", "notes",
            personal={"notes": "pair"}),
    _binome("BinomeValidated", "side"),
    _binome("BinomeRefused", "side", "reason", personal={"reason": "pair"}),
    _binome("ContractSigned", "party"),
    _binome("MentorshipStarted", "period_start", "term_at"),
    _binome("StrengthsWeaknessesAnalysed", "strengths", "weaknesses",
            personal={"strengths": "mentee", "weaknesses": "mentee"}),
    _binome("ActionPlanAgreed", "actions", personal={"actions": "mentee"}),
    _binome("ActionAdded", "action_id", "title", "owner", "due_on", "status", personal={"title": "mentee"}),
    _binome("ActionUpdated", "action_id", "status", "previous_status", "due_on", "note", personal={"note": "mentee"}),
    _binome("MeetingHeld", "mode", "duration_minutes", "notes", "actions_progressed", personal={"notes": "pair"}),
    _binome("ContactLogged", "channel", "notes", personal={"notes": "pair"}),
    _binome("CadenceMet", "month", "month_start", "month_end", "held", "required"),
    _binome("CadenceShortfall", "month", "month_start", "month_end", "held", "required"),
    _binome("MonitoringContactDue", "number", "due_at"),
    _binome("MonitoringContactOverdue", "number"),
    _binome("MonitoringContactRecorded", "number", "channel", "outcome", personal={"outcome": "pair"}),
    _binome("PositiveExitRecorded", "outcome", "details", personal={"outcome": "mentee", "details": "mentee"}),
    _binome("EarlyStopRecorded", "by", "reason", personal={"reason": "pair"}),
    _binome("TermReached"),
    _binome("ClosureMeetingHeld", "notes", personal={"notes": "pair"}),
    _binome("EvaluationRequested", "sides", "due_at"),
    _binome("EvaluationRecorded", "side", "answers", "rating", personal={"answers": "pair", "rating": "pair"}),
    _binome("BinomeCompleted", "reason", "missing"),
    # A person's stream.
    FactSpec("MentorRegistered", PERSON, _PERSON_FIELDS + ("capacity", "step", "background"), _PERSON_PERSONAL,
             version=4, upcasters={1: lambda data: {**_registered_v1_to_v2(data), "capacity": data.get("capacity", 1)},
                                   2: _registered_v2_to_v3, 3: _mentor_registered_v3_to_v4}),
    FactSpec("MenteeRegistered", PERSON, _PERSON_FIELDS + ("step", "adviser"), _PERSON_PERSONAL, version=4,
             upcasters={1: _registered_v1_to_v2, 2: _registered_v2_to_v3, 3: _mentee_registered_v3_to_v4}),
    FactSpec("PersonProfileChanged", PERSON, ("changes",), {"changes": "person"}),
    FactSpec("MatchingProfileChanged", PERSON, ("changes",), {"changes": "person"}),
    # The journeys before the binôme (domain.journeys): a mentor's steps, pause and departure.
    FactSpec("InformationSessionAttended", PERSON, _ATTENDANCE),
    FactSpec("PreparationInterviewHeld", PERSON, ("motivations", "professional_path", "expectations",
                                                  "commitment_limits", "duration_minutes",
                                                  "combined_with_information_session"),
             {"motivations": "person", "professional_path": "person", "expectations": "person",
              "commitment_limits": "person"}),
    FactSpec("TrainingAttended", PERSON, _ATTENDANCE),
    FactSpec("CommunityMeetingAttended", PERSON, _ATTENDANCE),
    FactSpec("MentorPaused", PERSON, ("until", "reason"), {"reason": "person"}),
    FactSpec("MentorResumed", PERSON, ()),
    FactSpec("MentorLeft", PERSON, ("reason", "note"), {"note": "person"}),
    # A mentee's selection.
    FactSpec("PresentationAttended", PERSON, _ATTENDANCE),
    FactSpec("SelectionInterviewHeld", PERSON, ("answers", "duration_minutes"), {"answers": "person"}),
    FactSpec("MenteeSelected", PERSON, ("criteria",), {"criteria": "person"}),
    FactSpec("MenteeNotSelected", PERSON, ("criteria", "reason", "note"),
             {"criteria": "person", "reason": "person", "note": "person"}),
    FactSpec("BinomeJoined", PERSON, ("binome_id", "partner_id")),
    FactSpec("BinomeLeft", PERSON, ("binome_id", "reason")),
    # A programme's stream.
    FactSpec("ProgrammeCreated", PROGRAMME, ("programme_id", "settings")),
    FactSpec("ProgrammeSettingsChanged", PROGRAMME, ("changes",)),
    # An account's stream (domain.accounts): a password's hash only, never the password.
    FactSpec("AccountCreated", ACCOUNT, ("username",) + _SCOPE_FIELDS + _PASSWORD_FIELDS, {"username": "person"}),
    FactSpec("AccountPasswordSet", ACCOUNT, _PASSWORD_FIELDS),
    FactSpec("AccountScopeChanged", ACCOUNT, _SCOPE_FIELDS),
    FactSpec("AccountDisabled", ACCOUNT, ()),
    FactSpec("AccountEnabled", ACCOUNT, ()),
    # An integration's stream (domain.integrations): its signing secrets sealed with the data key, never in clear.
    FactSpec("IntegrationRegistered", INTEGRATION, ("integration_id", "name", "programmes", "binomes")),
    FactSpec("IntegrationSecretAdded", INTEGRATION, ("secret_id", "sealed_secret")),
    FactSpec("IntegrationSecretRevoked", INTEGRATION, ("secret_id",)),
    # A partner organisation's stream (domain.organisations): a company's agreements; the signatory acts for it.
    FactSpec("OrganisationRegistered", ORGANISATION, ("organisation_id", "kind", "name")),
    FactSpec("AgreementSigned", ORGANISATION, ("signed_on", "signatory", "working_time", "hourly_cost_cents")),
    # An ISP's webhook (domain.partner_webhooks): its signing secret sealed with the data key, never in clear.
    FactSpec("PartnerWebhookSet", ORGANISATION, ("url", "secret_id", "sealed_secret")),
    FactSpec("PartnerWebhookRemoved", ORGANISATION, ()),
    # A cohort draft's stream (domain.cohort_drafts): its pairs name persons, never their data.
    FactSpec("CohortDraftMade", MATCHING, ("programme_id", "criteria", "pairs", "unmatched", "places")),
    FactSpec("DraftPairRemoved", MATCHING, ("mentee_id", "mentor_id")),
    FactSpec("DraftPairsSwapped", MATCHING, ("pairs",)),
    # A session's stream (domain.sessions): scheduled, its registrations and waiting list, its attendance.
    FactSpec("SessionScheduled", SESSION, ("session_id", "programme_id", "kind", "title", "starts_at",
                                           "duration_minutes", "place", "video_link", "capacity")),
    FactSpec("SessionSeatTaken", SESSION, ("person_id", "from_waiting_list")),
    FactSpec("SessionWaitlisted", SESSION, ("person_id", "rank")),
    FactSpec("SessionRegistrationCancelled", SESSION, ("person_id", "had_seat")),
    FactSpec("SessionAttendanceRecorded", SESSION, ("attended", "absent")),
    # Who read whose personal data (data-subject access requests): one stream per read.
    FactSpec("PersonalDataRead", AUDIT, ("subjects", "what")),
)}


def spec(fact_type: str) -> FactSpec:
    found = SPECS.get(fact_type)
    if found is None:
        raise InvalidInput("fact_type_unknown", field="type", fact_type=fact_type)
    return found


def category_of(fact_type: str) -> str:
    return spec(fact_type).category


def current_version(fact_type: str) -> int:
    return spec(fact_type).version


def upcast(fact_type: str, version: int, data: dict[str, Any]) -> dict[str, Any]:
    """`data` stored at `version`, brought to the fact type's current shape."""
    declared = spec(fact_type)
    while version < declared.version:
        data = declared.upcasters[version](data)
        version += 1
    return data


def undeclared_fields(fact_type: str, data: Mapping[str, Any]) -> list[str]:
    """Fields in `data` that the catalogue does not declare for this type (a test keeps this empty)."""
    declared = set(spec(fact_type).fields)
    return sorted(name for name in data if name not in declared)


def personal_fields(fact_type: str) -> Mapping[str, str]:
    return spec(fact_type).personal


def is_of(fact_type: str, category: str) -> bool:
    """Whether `fact_type` is a declared fact of `category` (an undeclared type is of none)."""
    found = SPECS.get(fact_type)
    return found is not None and found.category == category
