"""The fact catalogue declares every fact the domain records, its personal fields, and upcasts older shapes."""

from datetime import timedelta

from domain import catalogue
from domain.catalogue import SPECS
from tests.domain.gwt import (
    ACCEPTED_AT, ANALYSED_AT, FIRST_MEETING_AT, MENTEE_SIGNED_AT, MENTEE_VALIDATED_AT, MENTOR_SIGNED_AT,
    MENTOR_VALIDATED_AT, PLAN_AT, PROPOSED_AT, START, TERM, command, history, until,
)


def six_month_history():
    """Every kind of binôme fact: the usual path with a shortfall, an overdue contact, the term and evaluations."""
    days = lambda n: START + timedelta(days=n)  # noqa: E731
    _, facts = history(
        command("ProposeMentee", {"mentor_id": "mentor-1", "mentee_id": "mentee-1", "note": "Même secteur"},
                at=PROPOSED_AT),
        command("AcceptProposal", at=ACCEPTED_AT),
        until(ACCEPTED_AT + timedelta(days=22)),
        command("RecordFirstMeeting", {"mode": "video", "checklist": ["expectations"]}, at=START,
                occurred_at=FIRST_MEETING_AT),
        command("RecordValidation", {"side": "mentee", "decision": "validated"}, at=START,
                occurred_at=MENTEE_VALIDATED_AT),
        command("RecordValidation", {"side": "mentor", "decision": "validated"}, at=START,
                occurred_at=MENTOR_VALIDATED_AT),
        *[command("SignContract", {"party": p}, at=START) for p in ("mentor", "mentee", "programme")],
        command("RecordAnalysis", {"strengths": ["réseau"], "weaknesses": ["CV"]}, at=days(1)),
        command("AgreeActionPlan", {"actions": [{"title": "CV", "owner": "mentee"}]}, at=days(2)),
        command("AddAction", {"title": "Salon", "owner": "both", "due_on": "2025-03-01"}, at=days(3)),
        command("UpdateAction", {"action_id": "A1", "status": "done"}, at=days(4)),
        command("RecordMeeting", {"mode": "in_person", "actions_progressed": ["A1"]}, at=days(5)),
        command("LogContact", {"channel": "phone"}, at=days(6)),
        until(days(60)),
        command("RecordMonitoringContact", {"outcome": "Tout va bien"}, at=days(61)),
        until(TERM + timedelta(days=1)),
        command("RecordClosureMeeting", at=TERM + timedelta(days=2)),
        command("RecordEvaluation", {"side": "mentor", "answers": {"recommend": "Oui"}, "rating": 4},
                at=TERM + timedelta(days=3)),
        until(TERM + timedelta(days=40)),
    )
    return facts


def test_every_fact_of_a_whole_lifecycle_is_declared_with_exactly_its_fields():
    facts = six_month_history()
    assert len({f.type for f in facts}) > 15
    for fact in facts:
        assert catalogue.category_of(fact.type) == catalogue.BINOME
        assert catalogue.undeclared_fields(fact.type, fact.data) == [], fact.type


def test_personal_fields_name_a_known_subject_and_a_declared_field():
    for spec in SPECS.values():
        assert spec.category in catalogue.CATEGORIES
        for name, subject in spec.personal.items():
            assert name in spec.fields, (spec.type, name)
            assert subject in catalogue.SUBJECTS
        assert sorted(spec.upcasters) == list(range(1, spec.version))


def test_a_registration_stored_before_programmes_is_read_in_todays_shape():
    stored_v1 = {"name": "Awa", "email": None, "phone": None, "languages": ["fr"]}

    # Registered before journeys were recorded: ready to mentor, selected.
    mentor_journey = {"step": "ready", "background": None}
    assert catalogue.upcast("MentorRegistered", 1, stored_v1) == {**stored_v1, "programme_id": "default",
                                                                   "capacity": 1, "organisation_id": None,
                                                                   **mentor_journey}
    assert catalogue.upcast("MenteeRegistered", 1, stored_v1) == {**stored_v1, "programme_id": "default",
                                                                   "organisation_id": None, "step": "selected",
                                                                   "adviser": None}
    before_partners = {**stored_v1, "programme_id": "bxl", "capacity": 2}
    assert catalogue.upcast("MentorRegistered", 2, before_partners) == {**before_partners, "organisation_id": None,
                                                                         **mentor_journey}
    before_journeys = {**before_partners, "organisation_id": "acme"}
    assert catalogue.upcast("MentorRegistered", 3, before_journeys) == {**before_journeys, **mentor_journey}
    current = {**before_journeys, "step": "candidate", "background": "employee"}
    assert catalogue.upcast("MentorRegistered", 4, current) == current
