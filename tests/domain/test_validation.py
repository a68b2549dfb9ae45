"""After the first meeting, mentor and mentee each validate the binôme (in any order) or refuse it."""

from datetime import timedelta

import pytest

from domain.errors import InvalidInput, NotAllowed
from domain.stages import Stage
from tests.domain.gwt import (
    ACCEPTED_AT, FIRST_MEETING_AT, MENTEE, MENTEE_VALIDATED_AT, MENTOR, MENTOR_VALIDATED_AT, accepted,
    first_meeting_held, given, command, then_facts, then_refused, when,
)


def validation(side: str, at, decision: str = "validated", reason: str = ""):
    actor = MENTOR if side == "mentor" else MENTEE
    return command("RecordValidation", {"side": side, "decision": decision, "reason": reason}, at=at, actor=actor)


@pytest.mark.parametrize("first, second", [("mentor", "mentee"), ("mentee", "mentor")])
def test_two_validations_in_either_order_make_the_contract_due(first, second):
    state = given(*first_meeting_held(), validation(first, MENTEE_VALIDATED_AT))

    result = when(state, "RecordValidation", {"side": second, "decision": "validated"}, at=MENTOR_VALIDATED_AT)

    then_facts(result, ("BinomeValidated", {"side": second}))
    assert result.state.stage == Stage.AWAITING_CONTRACT
    assert set(result.state.validations) == {"mentor", "mentee"}


def test_one_validation_still_awaits_the_other():
    result = when(given(*first_meeting_held()), "RecordValidation", {"side": "mentee", "decision": "validated"},
                  at=MENTEE_VALIDATED_AT, actor=MENTEE)

    then_facts(result, ("BinomeValidated", {"side": "mentee"}))
    assert result.state.stage == Stage.AWAITING_VALIDATION
    assert result.state.validations == {"mentee": MENTEE_VALIDATED_AT}


@pytest.mark.parametrize("refusing, validating", [("mentor", "mentee"), ("mentee", "mentor")])
def test_either_side_may_refuse_even_after_the_other_validated(refusing, validating):
    state = given(*first_meeting_held(), validation(validating, MENTEE_VALIDATED_AT))

    result = when(state, "RecordValidation",
                  {"side": refusing, "decision": "refused", "reason": " Attentes trop éloignées. "},
                  at=MENTOR_VALIDATED_AT)

    then_facts(result, ("BinomeRefused", {"side": refusing, "reason": "Attentes trop éloignées."}))
    assert result.state.stage == Stage.REFUSED_AT_VALIDATION
    assert result.state.ended_reason == "Attentes trop éloignées."
    assert result.state.ended_at == MENTOR_VALIDATED_AT
    assert result.state.finished


def test_a_refused_binome_accepts_nothing_more():
    state = given(*first_meeting_held(), validation("mentor", MENTOR_VALIDATED_AT, "refused", "Pas le bon profil."))

    result = when(state, "RecordValidation", {"side": "mentee", "decision": "validated"},
                  at=MENTOR_VALIDATED_AT + timedelta(days=1))

    then_refused(result, NotAllowed, "binome_finished", params={"stage_code": "stage.refused_at_validation"})


def test_a_refusal_at_validation_needs_a_reason():
    result = when(given(*first_meeting_held()), "RecordValidation", {"side": "mentee", "decision": "refused"},
                  at=MENTEE_VALIDATED_AT)

    then_refused(result, InvalidInput, "text_required", field="reason", params={"what_code": "field.refusal_reason"})


def test_a_side_validates_only_once():
    state = given(*first_meeting_held(), validation("mentor", MENTOR_VALIDATED_AT))

    again = when(state, "RecordValidation", {"side": "mentor", "decision": "validated"},
                 at=MENTOR_VALIDATED_AT + timedelta(hours=1))
    change_of_mind = when(state, "RecordValidation", {"side": "mentor", "decision": "refused", "reason": "Non."},
                          at=MENTOR_VALIDATED_AT + timedelta(hours=1))

    then_refused(again, NotAllowed, "side_already_validated", params={"side_code": "party.mentor"})
    then_refused(change_of_mind, NotAllowed, "side_already_validated", params={"side_code": "party.mentor"})


def test_validation_follows_the_first_meeting():
    result = when(given(*accepted()), "RecordValidation", {"side": "mentor", "decision": "validated"},
                  at=ACCEPTED_AT + timedelta(days=1))

    then_refused(result, NotAllowed, "validation_after_first_meeting",
                 params={"stage_code": "stage.awaiting_first_meeting"})


def test_a_validation_is_not_dated_before_the_first_meeting():
    result = when(given(*first_meeting_held()), "RecordValidation", {"side": "mentor", "decision": "validated"},
                  at=MENTOR_VALIDATED_AT, occurred_at=FIRST_MEETING_AT - timedelta(hours=1))

    then_refused(result, InvalidInput, "date_before_step", field="occurred_at",
                 params={"step_code": "moment.first_meeting", "earliest": "2025-01-15"})


@pytest.mark.parametrize("payload, field, choices", [
    ({"side": "programme", "decision": "validated"}, "side", "mentor, mentee"),
    ({"side": "mentor", "decision": "maybe"}, "decision", "validated, refused"),
])
def test_a_validation_names_a_side_and_a_known_decision(payload, field, choices):
    result = when(given(*first_meeting_held()), "RecordValidation", payload, at=MENTOR_VALIDATED_AT)

    then_refused(result, InvalidInput, "choice_expected", field=field, params={"choices": choices})
