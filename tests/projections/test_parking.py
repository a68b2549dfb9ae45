"""A fact one projection cannot apply is parked, with the later facts of its stream behind it; every
other stream and projection goes on; /health says degraded; once fixed, a retry applies them in order."""

import logging
import uuid
from datetime import timedelta

import pytest

from projections.staff_tasks import StaffTasksBatch
from tests.projections.health import get_health
from tests.projections.recording import (ACCEPTED, T0, record_binome, record_expired_proposal, register, snapshot,
                                         time_passes)


class TaskBug:
    """Makes the staff-task projection fail on one stream's ProposalAccepted, as a bug would, until fixed."""

    def __init__(self, monkeypatch, stream_id: uuid.UUID):
        self._real = StaffTasksBatch.apply
        self._stream_id = stream_id
        self._monkeypatch = monkeypatch
        bug = self

        def apply(batch, recorded):
            if recorded.stream_id == bug._stream_id and recorded.fact.type == "ProposalAccepted":
                raise ValueError("no rule for this acceptance")
            return bug._real(batch, recorded)

        monkeypatch.setattr(StaffTasksBatch, "apply", apply)

    def fix(self) -> None:
        self._monkeypatch.setattr(StaffTasksBatch, "apply", self._real)


def _statuses(container) -> dict:
    return {s.name: (s.position, s.parked) for s in container.projector.status()}


async def test_a_fact_one_projection_cannot_apply_is_parked_and_retried_after_the_fix(container, monkeypatch):
    store, projector, views = container.store, container.projector, container.views
    bad = uuid.uuid4()
    bug = TaskBug(monkeypatch, bad)
    register(store, "mentor", "Anne")
    record_binome(store, ACCEPTED, binome_id=bad)
    expired = record_expired_proposal(store, "e1")
    projector.catch_up()

    # Later facts: the bad stream's are parked behind its failed fact, the others apply.
    time_passes(store, bad, T0 + timedelta(days=30))  # FirstMeetingOverdue: a task once it applies
    later = record_expired_proposal(store, "e2")
    register(store, "mentee", "Bilal")
    projector.catch_up()

    last = store.last_log_position()
    assert projector.position() == last
    assert _statuses(container) == {"programmes": (last, 0), "persons": (last, 0), "accounts": (last, 0),
                                    "personal_data_reads": (last, 0), "organisations": (last, 0),
                                    "mentor_hours": (last, 0), "partner_feed": (last, 0), "sessions": (last, 0),
                                    "results": (last, 0), "staff_tasks": (last, 2), "binomes": (last, 0)}
    parked = projector.parked()
    assert [(p.projection, p.stream_id, p.position, p.fact_type) for p in parked] == [
        ("staff_tasks", str(bad), 2, "ProposalAccepted"), ("staff_tasks", str(bad), 3, "FirstMeetingOverdue")]
    assert parked[0].error == "ValueError: no rule for this acceptance"
    assert parked[1].error == f"waiting behind fact #{parked[0].notification_id} of the same stream"
    # The other streams' tasks and the other projections are up to date.
    assert {(t.binome_id, t.kind) for t in views.tasks(None, None, 10).items} == {
        (str(expired), "proposal_expired"), (str(later), "proposal_expired")}
    assert views.binome_version(str(bad)) == 3
    # A batch with a parked fact is not remembered as applied: the view alone says what it shows.
    assert projector.applied("staff_tasks", str(later)) == 0
    assert projector.applied("binomes", str(later)) == views.binome_version(str(later)) == 2
    assert views.persons("mentee", 10).total == 1

    response = await get_health(container)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded" and body["parked_facts"] == 2
    assert body["views"]["staff_tasks"] == {"position": last, "lag": 0, "parked": 2}
    assert body["views"]["binomes"] == {"position": last, "lag": 0, "parked": 0}

    # Still broken: the retry keeps both, in order.
    assert projector.retry_parked() == (0, 2)
    assert [p.notification_id for p in projector.parked()] == [p.notification_id for p in parked]

    bug.fix()
    assert projector.retry_parked() == (2, 0)
    assert projector.parked() == []
    assert (str(bad), "first_meeting_overdue") in {(t.binome_id, t.kind) for t in views.tasks(None, None, 10).items}
    retried = snapshot(views)
    projector.rebuild()
    assert snapshot(views) == retried  # the same views as if the fact had never failed
    body = (await get_health(container)).json()
    assert body["status"] == "ok" and body["parked_facts"] == 0


def test_parked_facts_are_retried_when_the_projector_starts(container, monkeypatch):
    bad = uuid.uuid4()
    bug = TaskBug(monkeypatch, bad)
    record_binome(container.store, ACCEPTED, binome_id=bad)
    container.projector.catch_up()
    assert len(container.projector.parked()) == 1

    bug.fix()
    container.projector.start()
    container.projector.stop()
    assert container.projector.parked() == []
    assert container.views.binome(str(bad))[0].version == 2


def test_the_commands_list_and_retry_parked_facts(tmp_path, monkeypatch, capsys):
    from mentorat import cli
    from mentorat.bootstrap import build_container
    from tests.support.settings import sqlite_settings

    built = build_container(sqlite_settings(tmp_path / "data"))
    bad = uuid.uuid4()
    bug = TaskBug(monkeypatch, bad)
    record_binome(built.store, ACCEPTED, binome_id=bad)
    built.projector.catch_up()
    built.close()
    monkeypatch.setenv("MENTORAT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MENTORAT_EVENT_STORE", "sqlite")
    try:
        assert cli.main(["parked-facts"]) == 0
        out = capsys.readouterr().out
        assert f"staff_tasks\t3\t{bad}\t2\tProposalAccepted\t" in out and "ValueError: no rule" in out
        assert cli.main(["retry-parked"]) == 1
        assert "0 fait(s) appliqué(s), 1 encore mis de côté" in capsys.readouterr().out
        bug.fix()
        assert cli.main(["retry-parked", "--view", "staff_tasks"]) == 0
        assert "1 fait(s) appliqué(s), 0 encore mis de côté" in capsys.readouterr().out
        assert cli.main(["parked-facts"]) == 0
        assert "aucun fait mis de côté" in capsys.readouterr().out
    finally:
        logging.getLogger().handlers.clear()  # the CLI configured logging onto captured stdout


def test_a_value_postgres_refuses_is_parked_and_the_other_persons_go_on(container, store_kind):
    if store_kind != "postgres":
        pytest.skip("SQLite text accepts NUL characters")
    store = container.store
    refused = register(store, "mentor", "Anne\x00")  # PostgreSQL text refuses NUL: a real data error
    register(store, "mentor", "Bob")
    container.projector.catch_up()
    [parked] = container.projector.parked()
    assert (parked.projection, parked.stream_id) == ("persons", str(refused))
    assert parked.error.startswith("DataError")
    assert [p["name"] for p in container.views.persons("mentor", 10).items] == ["Bob"]
