"""After both validations, mentor, mentee and programme sign; the six-month period starts at the last signature."""

from datetime import timedelta

from domain.calendar import add_months
from domain.errors import InvalidInput, NotAllowed
from domain.schedule import next_deadline
from domain.stages import Stage
from tests.domain.gwt import (
    ANALYSED_AT, FIRST_MEETING_AT, MENTEE, MENTEE_SIGNED_AT, MENTOR, MENTOR_SIGNED_AT, MENTOR_VALIDATED_AT, START,
    TERM, accepted, command, first_meeting_held, given, started, then_facts, then_refused, utc, validated, when,
)



def signed_by(*parties: str, at=MENTOR_SIGNED_AT):
    return [command("SignContract", {"party": p}, at=at + timedelta(hours=i)) for i, p in enumerate(parties)]


def test_the_contract_is_not_signed_before_both_validations():
    state = given(*first_meeting_held(), command("RecordValidation", {"side": "mentor", "decision": "validated"},
                                                 at=MENTOR_VALIDATED_AT, actor=MENTOR))

    result = when(state, "SignContract", {"party": "mentee"}, at=MENTEE_SIGNED_AT, actor=MENTEE)

    then_refused(result, NotAllowed, "contract_before_validations")


def test_the_contract_is_not_signed_before_the_first_meeting_either():
    result = when(given(*accepted()), "SignContract", {"party": "programme"}, at=FIRST_MEETING_AT)

    then_refused(result, NotAllowed, "contract_before_validations")


def test_a_signature_before_the_last_one_only_records_the_signature():
    result = when(given(*validated(), *signed_by("mentor")), "SignContract", {"party": "mentee"},
                  at=MENTEE_SIGNED_AT, actor=MENTEE)

    then_facts(result, ("ContractSigned", {"party": "mentee"}))
    assert result.state.stage == Stage.AWAITING_CONTRACT
    assert not result.state.period_started


def test_the_third_signature_starts_the_six_month_period():
    state = given(*validated(), *signed_by("mentee", "mentor"))

    result = when(state, "SignContract", {"party": "programme"}, at=START)

    signed, started_ = then_facts(result, ("ContractSigned", {"party": "programme"}), ("MentorshipStarted", {
        "period_start": "2025-02-03T10:00:00+00:00", "term_at": "2025-08-03T10:00:00+00:00",
    }))
    assert [signed.position, started_.position] == [state.version + 1, state.version + 2]
    assert signed.command_id == started_.command_id
    assert started_.occurred_at == START
    assert (result.state.stage, result.state.period_start, result.state.term_at) == (Stage.INTAKE, START, TERM)


def test_the_period_starts_at_the_latest_signature_even_when_one_is_entered_late():
    state = given(*validated(), *signed_by("mentor", at=utc(2025, 2, 3)))

    result = when(state, "SignContract", {"party": "mentee"}, at=utc(2025, 2, 5), actor=MENTEE,
                  occurred_at=utc(2025, 2, 1))
    then_facts(result, "ContractSigned")
    last = when(result.state, "SignContract", {"party": "programme"}, at=utc(2025, 2, 6),
                occurred_at=utc(2025, 2, 2))

    _, started_ = then_facts(last, "ContractSigned", "MentorshipStarted")
    assert started_.occurred_at == utc(2025, 2, 3)
    assert last.state.period_start == utc(2025, 2, 3)
    assert last.state.term_at == utc(2025, 8, 3)


def test_the_term_is_six_calendar_months_on_clamped_to_the_month_end():
    state = given(*validated(), *signed_by("mentor", "mentee", at=utc(2025, 8, 1)))

    result = when(state, "SignContract", {"party": "programme"}, at=utc(2025, 8, 31, 16))

    assert result.state.term_at == utc(2026, 2, 28, 16) == add_months(utc(2025, 8, 31, 16), 6)


def test_each_party_signs_once():
    result = when(given(*validated(), *signed_by("mentor")), "SignContract", {"party": "mentor"}, at=MENTEE_SIGNED_AT)

    then_refused(result, NotAllowed, "party_already_signed", params={"party_code": "party.mentor"})


def test_a_contract_in_force_is_not_signed_again():
    result = when(given(*started()), "SignContract", {"party": "programme"}, at=ANALYSED_AT)

    then_refused(result, NotAllowed, "contract_already_in_force", params={"stage_code": "stage.intake"})


def test_the_parties_are_mentor_mentee_and_programme():
    result = when(given(*validated()), "SignContract", {"party": "employer"}, at=MENTOR_SIGNED_AT)

    then_refused(result, InvalidInput, "choice_expected", field="party",
                 params={"choices": "mentor, mentee, programme"})


def test_a_started_period_waits_first_for_the_month_one_cadence_check():
    state = given(*started())

    # Month 1 ends on 3 March; its check comes three days later, before the first monitoring contact (week 6).
    assert next_deadline(state) == utc(2025, 3, 6)


def test_a_signature_is_not_dated_before_the_second_validation():
    result = when(given(*validated()), "SignContract", {"party": "mentor"}, at=MENTOR_SIGNED_AT,
                  occurred_at=MENTOR_VALIDATED_AT - timedelta(hours=1))

    then_refused(result, InvalidInput, "date_before_step", field="occurred_at",
                 params={"step_code": "moment.validations", "earliest": "2025-01-17"})
