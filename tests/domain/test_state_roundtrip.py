"""The state survives its plain-JSON form (workflow continue-as-new, read views) and folding from its facts."""

import json
from datetime import datetime, timedelta

from domain.programme import Programme
from domain.schedule import due_facts, next_deadline
from domain.stages import Stage
from domain.state import Action, BinomeState, MonitoringContact, Shortfall, fold
from tests.domain.gwt import (
    active, answers, command, given, history, meeting, monitoring_contact, proposed, then_facts, utc, when,
)

EXIT_AT = utc(2025, 5, 20)
CLOSURE_AT = utc(2025, 5, 27)


def long_lifecycle() -> list:
    """Six-week contacts, a shortfall, actions added and updated, an exit in month 4, closure, one evaluation."""
    return [
        *active(),
        meeting(utc(2025, 2, 10), entered_at=utc(2025, 2, 12)),  # one meeting only in month 1: shortfall
        command("AddAction", {"title": "Préparer un entretien", "owner": "both", "due_on": "2025-03-20"},
                at=utc(2025, 3, 7)),
        meeting(utc(2025, 3, 10)), meeting(utc(2025, 3, 24)),
        monitoring_contact(utc(2025, 3, 18)),
        command("UpdateAction", {"action_id": "A1", "status": "done"}, at=utc(2025, 3, 25)),
        command("LogContact", {"channel": "message"}, at=utc(2025, 4, 1)),
        meeting(utc(2025, 4, 7)), meeting(utc(2025, 4, 21)),
        command("RecordPositiveExit", {"outcome": "internship"}, at=EXIT_AT),
        command("RecordClosureMeeting", {"notes": "Stage trouvé."}, at=CLOSURE_AT),
        command("RecordEvaluation", {"side": "mentor", "answers": answers(), "rating": 4}, at=utc(2025, 6, 2)),
    ]


def roundtrip(state: BinomeState) -> BinomeState:
    return BinomeState.from_dict(json.loads(json.dumps(state.to_dict())))


def test_the_long_lifecycle_leads_where_expected():
    state = given(*long_lifecycle())

    assert state.stage == Stage.EVALUATION
    assert [(s.month, s.held, s.followed_up) for s in state.shortfalls] == [(1, 1, True)]
    assert [(m.number, m.recorded_at) for m in state.monitoring] == [(1, utc(2025, 3, 18)), (2, None)]
    assert state.cadence_months_checked == 3
    assert (state.exit_kind, state.contacts, sorted(state.actions)) == ("positive", 1, ["A1", "A2", "A3"])


def test_the_state_round_trips_through_json_after_a_long_lifecycle():
    state = given(*long_lifecycle())

    restored = roundtrip(state)

    assert restored == state
    assert isinstance(restored.stage, Stage)
    assert isinstance(restored.programme, Programme)
    assert isinstance(restored.actions["A3"], Action)
    assert isinstance(restored.shortfalls[0], Shortfall) and isinstance(restored.monitoring[0], MonitoringContact)
    assert restored.meeting_dates[0] == utc(2025, 2, 10) and restored.meeting_dates[0].utcoffset() == timedelta(0)
    assert all(isinstance(v, datetime) for v in restored.validations.values())
    assert restored.commands.keys() == state.commands.keys()


def test_a_restored_state_goes_on_exactly_as_the_original():
    state = given(*long_lifecycle())
    restored = roundtrip(state)

    assert next_deadline(restored) == next_deadline(state) == CLOSURE_AT + timedelta(days=30)
    assert due_facts(restored, utc(2025, 7, 1)) == due_facts(state, utc(2025, 7, 1))
    evaluate = dict(name="RecordEvaluation", payload={"side": "mentee", "answers": answers(), "rating": 5},
                    at=utc(2025, 6, 3), command_id="eval-mentee")
    from_restored, from_original = when(restored, **evaluate), when(state, **evaluate)
    assert then_facts(from_restored, "EvaluationRecorded", "BinomeCompleted") == from_original.facts


def test_a_restored_state_still_recognises_repeated_commands():
    state = given(*long_lifecycle(), command("RecordEvaluation", {"side": "mentee", "answers": answers(), "rating": 5},
                                             at=utc(2025, 6, 3), command_id="eval-mentee"))
    restored = roundtrip(state)

    result = when(restored, "RecordEvaluation", {"side": "mentee", "answers": answers(), "rating": 5},
                  at=utc(2025, 6, 4), command_id="eval-mentee")

    assert restored.stage == Stage.COMPLETED
    assert result.error is None and result.facts == []


def test_folding_the_recorded_facts_gives_the_same_state():
    state, facts = history(*long_lifecycle())

    assert [f.position for f in facts] == list(range(1, len(facts) + 1))
    assert fold("binome-1", facts) == state


def test_states_early_in_the_life_round_trip_too():
    empty = BinomeState("binome-1")

    proposed_ = given(*proposed())

    assert roundtrip(empty) == empty
    assert roundtrip(proposed_) == proposed_
    assert roundtrip(proposed_).response_due_at == utc(2025, 1, 13, 9)
