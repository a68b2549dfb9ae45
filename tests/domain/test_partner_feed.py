"""What an ISP is told of a referred mentee's progress: one event per fact that moves it, codes only."""

import pytest

from domain.facts import Fact
from domain.partner_feed import Event, event_of, validated_by_both
from tests.domain.gwt import PROPOSED_AT, STAFF


def fact(fact_type: str, **data) -> Fact:
    return Fact(fact_type, 1, PROPOSED_AT, STAFF, data)


@pytest.mark.parametrize("given, expected", [
    (fact("MenteeSelected", criteria={}), Event("selected", {})),
    (fact("MenteeNotSelected", criteria={}, reason="withdrew", note="Parti à l'étranger"), Event("not_selected", {})),
    (fact("MentorshipProposed", mentor_id="m", mentee_id="e", note="Même secteur"), Event("proposed", {})),
    (fact("ProposalRefused", reason="Pas disponible"), Event("proposal_ended", {})),
    (fact("ProposalExpired", reason="response_due"), Event("proposal_ended", {})),
    (fact("PositiveExitRecorded", outcome="job", details="CDI chez Acme"),
     Event("exited", {"exit": "positive", "outcome": "job"})),
    (fact("EarlyStopRecorded", by="mentee", reason="Déménagement"), Event("exited", {"exit": "early_stop"})),
    (fact("BinomeCompleted", reason="term", missing=[]), Event("closed", {})),
    (fact("MeetingHeld", mode="video", duration_minutes=60, notes="", actions_progressed=[]), None),
])
def test_each_progress_fact_makes_one_event_without_notes_or_reasons(given, expected):
    assert event_of(given) == expected


def test_validated_once_both_sides_have_validated():
    mentor, mentee = fact("BinomeValidated", side="mentor"), fact("BinomeValidated", side="mentee")

    assert validated_by_both(frozenset(), mentor) is None
    assert validated_by_both(frozenset({"mentor"}), mentee) == Event("validated", {})
    assert validated_by_both(frozenset({"mentor", "mentee"}), mentee) is None
