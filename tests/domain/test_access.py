"""Who may send which command to a binôme (domain/access.py): the pair only on their own binôme and their own side,
integrations only meetings held, staff anything. Refused before anything is decided, so nothing is recorded."""

import pytest

from domain.errors import Forbidden, NotFound
from domain.facts import Actor
from tests.domain.gwt import (
    ACCEPTED_AT, ANALYSED_AT, MENTEE, MENTEE_VALIDATED_AT, MENTOR, MENTOR_SIGNED_AT, PLAN_AT, STAFF, accepted, active,
    command, first_meeting_held, given, month_start, proposed, started, then_facts, then_refused, validated, when,
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


@pytest.mark.parametrize("name, payload", [("AcceptProposal", {}), ("RefuseProposal", {"reason": "Non."})])
def test_the_mentee_does_not_answer_the_proposal(name, payload):
    then_refused(when(given(*proposed()), name, payload, at=ACCEPTED_AT, actor=MENTEE),
                 Forbidden, "command_not_for_role")


def test_the_first_meeting_is_the_programmes_not_the_pairs():
    then_refused(when(given(*accepted()), "RecordFirstMeeting", {"mode": "in_person"}, at=ACCEPTED_AT, actor=MENTOR),
                 Forbidden, "command_not_for_role")


@pytest.mark.parametrize("side, actor", [("mentee", MENTOR), ("mentor", MENTEE)])
def test_each_side_validates_for_itself_only(side, actor):
    validation = {"side": side, "decision": "validated"}
    then_refused(when(given(*first_meeting_held()), "RecordValidation", validation, at=MENTEE_VALIDATED_AT,
                      actor=actor), Forbidden, "not_your_side", field="side")


def test_each_side_evaluates_for_itself_only():
    closed = given(*active(), command("RecordEarlyStop", {"by": "staff", "reason": "Fin."}, at=month_start(2)),
                   command("RecordClosureMeeting", {}, at=month_start(2)))
    evaluation = {"side": "mentor", "answers": {"relationship": "Bien"}, "rating": 4}
    then_refused(when(closed, "RecordEvaluation", evaluation, at=month_start(3), actor=MENTEE),
                 Forbidden, "not_your_side", field="side")


def test_a_stranger_resending_someone_elses_command_is_not_told_it_was_recorded():
    meeting = command("RecordMeeting", MEETING, at=month_start(2), command_id="cal-7")
    state = given(*active(), meeting)
    then_refused(when(state, "RecordMeeting", MEETING, at=month_start(2), command_id="cal-7", actor=OTHER_MENTOR),
                 NotFound, "binome_not_found")


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
    then_refused(when(given(*active()), "LogContact", {"channel": "phone"}, at=month_start(2), actor=AGENDA),
                 Forbidden, "command_not_for_role")


def test_only_staff_propose():
    then_refused(when(given(), "ProposeMentee", {"mentor_id": "mentor-1", "mentee_id": "mentee-1"},
                      at=ACCEPTED_AT, actor=MENTOR), Forbidden, "command_not_for_role")


def test_the_mentor_agrees_the_action_plan():
    plan = {"actions": [{"title": "Refaire le CV", "owner": "mentee"}]}
    analysed = given(*started(), command("RecordAnalysis", {"strengths": ["réseau"], "weaknesses": ["CV"]},
                                         at=ANALYSED_AT))
    then_facts(when(analysed, "AgreeActionPlan", plan, at=PLAN_AT, actor=MENTOR), "ActionPlanAgreed")

