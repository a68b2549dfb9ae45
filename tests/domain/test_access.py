"""Who may send which command to a binôme (domain/access.py): the pair only on their own binôme and their own side,
integrations only meetings held, staff anything. Refused before anything is decided, so nothing is recorded."""

import pytest

from domain.errors import Forbidden, NotFound
from domain.facts import Actor
from tests.domain.gwt import (
    ACCEPTED_AT, ANALYSED_AT, MENTEE, MENTEE_VALIDATED_AT, MENTOR, MENTOR_SIGNED_AT, PLAN_AT, STAFF, active, command,
    first_meeting_held, given, month_start, proposed, started, then_facts, then_refused, validated, when,
)

OTHER_MENTOR = Actor("mentor", "mentor-2")
OTHER_MENTEE = Actor("mentee", "mentee-2")
AGENDA = Actor("integration", "agenda")
MEETING = {"mode": "video", "duration_minutes": 60}


def test_the_mentor_answers_the_proposal_made_to_them():
    then_facts(when(given(*proposed()), "AcceptProposal", at=ACCEPTED_AT, actor=MENTOR), "ProposalAccepted")


@pytest.mark.parametrize("stranger", [OTHER_MENTOR, OTHER_MENTEE])
def test_the_mentor_or_mentee_of_another_binome_is_not_told_this_one_exists(stranger):
    then_refused(when(given(*proposed()), "AcceptProposal", at=ACCEPTED_AT, actor=stranger),
                 NotFound, "binome_not_found")
    then_refused(when(given(*active()), "RecordMeeting", MEETING, at=month_start(2), actor=stranger),
                 NotFound, "binome_not_found")


def test_a_stranger_learns_nothing_either_from_a_finished_binome():
    finished = given(*active(), command("RecordEarlyStop", {"by": "staff", "reason": "Fin."}, at=month_start(2)))
    then_refused(when(finished, "RecordMeeting", MEETING, at=month_start(3), actor=OTHER_MENTOR),
                 NotFound, "binome_not_found")


def test_the_mentee_does_not_answer_the_proposal():
    then_refused(when(given(*proposed()), "AcceptProposal", at=ACCEPTED_AT, actor=MENTEE),
                 Forbidden, "command_not_for_role")


@pytest.mark.parametrize("name, payload, at, actor, field", [
    ("RecordValidation", {"side": "mentee", "decision": "validated"}, MENTEE_VALIDATED_AT, MENTOR, "side"),
    ("RecordValidation", {"side": "mentor", "decision": "validated"}, MENTEE_VALIDATED_AT, MENTEE, "side"),
])
def test_each_side_validates_for_itself_only(name, payload, at, actor, field):
    then_refused(when(given(*first_meeting_held()), name, payload, at=at, actor=actor),
                 Forbidden, "not_your_side", field=field)


@pytest.mark.parametrize("party, actor", [("mentee", MENTOR), ("programme", MENTOR), ("mentor", MENTEE)])
def test_each_side_signs_for_itself_only(party, actor):
    then_refused(when(given(*validated()), "SignContract", {"party": party}, at=MENTOR_SIGNED_AT, actor=actor),
                 Forbidden, "not_your_side", field="party")


def test_the_mentor_signs_as_the_mentor():
    then_facts(when(given(*validated()), "SignContract", {"party": "mentor"}, at=MENTOR_SIGNED_AT, actor=MENTOR),
               "ContractSigned")


def test_staff_record_for_either_side():
    then_facts(when(given(*validated()), "SignContract", {"party": "mentee"}, at=MENTOR_SIGNED_AT, actor=STAFF),
               "ContractSigned")


def test_the_pair_works_on_the_analysis_and_reports_meetings_and_contacts():
    then_facts(when(given(*started()), "RecordAnalysis", {"strengths": ["réseau"], "weaknesses": ["CV"]},
                    at=ANALYSED_AT, actor=MENTEE), "StrengthsWeaknessesAnalysed")
    then_facts(when(given(*active()), "RecordMeeting", MEETING, at=month_start(2), actor=MENTOR),
               "MeetingHeld")
    then_facts(when(given(*active()), "LogContact", {"channel": "phone"}, at=month_start(2), actor=MENTEE),
               "ContactLogged")


@pytest.mark.parametrize("name, payload", [
    ("RecordMonitoringContact", {"outcome": "Tout va bien."}),
    ("RecordPositiveExit", {"outcome": "job"}),
    ("RecordClosureMeeting", {}),
])
def test_the_staffs_own_commands_are_refused_to_the_pair(name, payload):
    then_refused(when(given(*active()), name, payload, at=month_start(2), actor=MENTOR),
                 Forbidden, "command_not_for_role")


def test_a_side_stops_the_binome_for_itself_only():
    stopped = when(given(*active()), "RecordEarlyStop", {"by": "mentee", "reason": "Déménagement."},
                   at=month_start(2), actor=MENTOR)
    then_refused(stopped, Forbidden, "not_your_side", field="by")


def test_an_integration_reports_meetings_held_and_nothing_else():
    then_facts(when(given(*active()), "RecordMeeting", MEETING, at=month_start(2), actor=AGENDA), "MeetingHeld")
    then_refused(when(given(*proposed()), "AcceptProposal", at=ACCEPTED_AT, actor=AGENDA),
                 Forbidden, "command_not_for_role")


def test_only_staff_propose():
    then_refused(when(given(), "ProposeMentee", {"mentor_id": "mentor-1", "mentee_id": "mentee-1"},
                      at=ACCEPTED_AT, actor=MENTOR), Forbidden, "command_not_for_role")


def test_the_mentor_agrees_the_action_plan_once_the_analysis_is_there():
    plan = {"actions": [{"title": "Refaire le CV", "owner": "mentee"}]}
    analysed = given(*started(), command("RecordAnalysis", {"strengths": ["réseau"], "weaknesses": ["CV"]},
                                         at=ANALYSED_AT))
    then_facts(when(analysed, "AgreeActionPlan", plan, at=PLAN_AT, actor=MENTOR), "ActionPlanAgreed")

