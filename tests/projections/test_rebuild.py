"""A rebuild replays the whole log in one transaction: stopped midway it changes nothing; a fact that fails there
is parked by a replay in batches while every other fact applies. Between batches a projection remembers the states
it wrote, and forgets them whenever another projector may have changed its rows."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy.exc import OperationalError

from domain.commands import CommandEnvelope
from domain.decide import decide
from domain.state import fold
from projections import projector as projector_module
from projections.projector import Projector
from tests.projections.recording import (ACCEPTED, PROPOSED, STAFF, T0, record_binome, record_expired_proposal,
                                         register, snapshot, time_passes)
from tests.projections.test_parking import TaskBug


def _statuses(container) -> dict:
    return {s.name: (s.position, s.parked) for s in container.projector.status()}


def test_a_rebuild_stopped_midway_leaves_the_views_as_they_were(container, monkeypatch):
    store = container.store
    for n in range(5):
        register(store, "mentor", f"Mentor {n}")
    record_binome(store, ACCEPTED)
    container.projector.catch_up()
    before, statuses = snapshot(container.views), _statuses(container)

    real_read = store.read_log
    reads = []

    def failing_read(after, limit):
        reads.append(after)
        if len(reads) == 3:
            raise OperationalError("SELECT", {}, Exception("the store went away"))
        return real_read(after, limit)

    monkeypatch.setattr(projector_module, "REBUILD_READ_SIZE", 2)
    monkeypatch.setattr(store, "read_log", failing_read)
    with pytest.raises(OperationalError):
        container.projector.rebuild()
    assert snapshot(container.views) == before and _statuses(container) == statuses


def test_a_fact_that_fails_during_a_rebuild_is_parked_and_every_other_fact_applied(container, monkeypatch):
    store, projector, views = container.store, container.projector, container.views
    bad = uuid.uuid4()
    record_binome(store, ACCEPTED, binome_id=bad)
    time_passes(store, bad, T0 + timedelta(days=30))
    expired = record_expired_proposal(store, "e1")
    register(store, "mentee", "Bilal")
    projector.catch_up()
    expected = snapshot(views)

    bug = TaskBug(monkeypatch, bad)
    progress = []
    assert projector.rebuild(on_progress=lambda done, total: progress.append(done)) == store.last_log_position()
    last = store.last_log_position()
    assert _statuses(container) == {"programmes": (last, 0), "persons": (last, 0), "accounts": (last, 0),
                                    "personal_data_reads": (last, 0), "organisations": (last, 0),
                                    "mentor_hours": (last, 0), "partner_feed": (last, 0), "sessions": (last, 0),
                                    "results": (last, 0), "staff_tasks": (last, 2), "binomes": (last, 0)}
    assert [(p.stream_id, p.fact_type) for p in projector.parked()] == [
        (str(bad), "ProposalAccepted"), (str(bad), "FirstMeetingOverdue")]
    assert {(t.binome_id, t.kind) for t in views.tasks(None, None, 10).items} == {(str(expired), "proposal_expired")}
    assert views.persons("mentee", 10).total == 1 and views.binome_version(str(bad)) == 3
    assert progress[-1] == last

    bug.fix()
    assert projector.retry_parked() == (2, 0)
    assert snapshot(views) == expected


def test_states_remembered_by_a_projector_are_forgotten_once_another_moved_the_views(container):
    store = container.store
    mine = Projector(store, container.view_db)
    other = Projector(store, container.view_db)
    binome = record_binome(store, PROPOSED)
    mine.catch_up()  # remembers the binôme as proposed

    store.append(binome, [_next_fact(store, binome, "AcceptProposal", {})])
    other.catch_up()  # the rows move on without it
    store.append(binome, [_next_fact(store, binome, "RecordFirstMeeting", {"mode": "video"})])
    mine.catch_up()

    state, _ = container.views.binome(str(binome))
    assert (state.version, state.stage.value) == (3, "awaiting_validation")
    assert state.accepted_at is not None  # from the row the other projector wrote, not from its own memory


def test_a_stream_retried_elsewhere_is_read_from_its_row_again(container, monkeypatch):
    store = container.store
    mine = Projector(store, container.view_db)
    bad = uuid.uuid4()
    bug = TaskBug(monkeypatch, bad)
    record_binome(store, ACCEPTED, binome_id=bad)
    # Another proposal of the same mentee: the staff tasks read the parked binôme's row with it.
    record_binome(store, [("ProposeMentee", {"mentor_id": "m2", "mentee_id": "e"})])
    mine.catch_up()
    bug.fix()
    assert Projector(store, container.view_db).retry_parked() == (1, 0)  # its rows change, not its position

    time_passes(store, bad, T0 + timedelta(days=30))
    mine.catch_up()
    assert {(t.binome_id, t.kind) for t in container.views.tasks(None, None, 10).items} == {
        (str(bad), "first_meeting_overdue")}


def _next_fact(store, binome_id, name, payload):
    """The fact the domain decides for this command now, after the stream's facts."""
    state = fold(str(binome_id), [r.fact for r in store.read(binome_id)])
    at = T0 + timedelta(days=state.version)
    [fact] = decide(state, CommandEnvelope(name, payload, f"c-{name}", STAFF, at), at)
    return fact
