"""The projector follows the notification log into each named projection exactly once, resumes after a
crash, and rebuilds one projection or all from zero."""

import logging
import threading
from datetime import timedelta

import pytest
from sqlalchemy.exc import OperationalError

from projections.persons import PersonsBatch
from projections.projector import Projector
from tests.projections.recording import (ACCEPTED, PROPOSED, T0, record_binome, record_expired_proposal, register,
                                         snapshot)

# The expired proposals of these tests end 7 days after T0: a proposal made after that answers them.
AFTER_EXPIRY = T0 + timedelta(days=8)


def test_views_follow_the_store_and_rebuild_to_the_same_rows(container):
    store = container.store
    for n in range(3):
        register(store, "mentor", f"Mentor {n}")
    accepted = record_binome(store, ACCEPTED)
    proposed = record_binome(store, PROPOSED)

    applied = container.projector.catch_up()
    assert applied == 1 + 3 + 2 + 1  # the default programme, three persons, two binômes
    assert container.views.binome_version(str(accepted)) == 2
    # What it applied is remembered, so a command waiting for its facts need not ask the view each time.
    assert container.projector.applied("binomes", str(accepted)) == 2
    assert container.projector.applied("staff_tasks", str(proposed)) == 1
    assert container.projector.applied("persons", str(accepted)) == 0
    assert container.views.binomes("proposed", None, None, None, 10).items[0].binome_id == str(proposed)
    assert {s.name: s.position for s in container.projector.status()} == {
        "programmes": applied, "persons": applied, "accounts": applied, "personal_data_reads": applied,
        "organisations": applied, "mentor_hours": applied, "partner_feed": applied, "sessions": applied,
        "results": applied, "staff_tasks": applied,
        "binomes": applied}
    before = snapshot(container.views)
    progress = []
    assert container.projector.rebuild(on_progress=lambda done, total: progress.append((done, total))) == applied
    assert snapshot(container.views) == before
    assert progress[-1] == (applied, applied)


def test_one_view_rebuilds_alone(container):
    store = container.store
    register(store, "mentor", "Anne")
    record_expired_proposal(store, "e1")
    container.projector.catch_up()
    before = snapshot(container.views)

    assert container.projector.rebuild("staff_tasks") == store.last_log_position()
    assert snapshot(container.views) == before
    with pytest.raises(KeyError):
        container.projector.rebuild("nothing")


def test_a_crash_mid_batch_keeps_neither_rows_nor_position_and_resumes(container, monkeypatch):
    store = container.store
    for n in range(4):
        register(store, "mentor", f"Mentor {n}")
    real_apply = PersonsBatch.apply
    calls = {"n": 0}

    def failing_apply(self, recorded):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OperationalError("INSERT", {}, Exception("view database went away"))
        return real_apply(self, recorded)

    monkeypatch.setattr(PersonsBatch, "apply", failing_apply)
    with pytest.raises(OperationalError):
        container.projector.run_once()
    persons = {s.name: s for s in container.projector.status()}["persons"]
    assert (persons.position, persons.parked) == (0, 0)  # an outage is not the fact's fault: nothing parked
    assert container.views.persons("mentor", 10).total == 0

    monkeypatch.setattr(PersonsBatch, "apply", real_apply)
    assert container.projector.catch_up() == 4 + 1  # and the default programme
    # Each person applied once: a second insert of the same person would have been refused (and parked).
    assert container.views.persons("mentor", 10).total == 4
    assert container.projector.parked() == []


def test_two_projectors_on_the_same_views_apply_each_fact_once(container):
    store = container.store
    ids = [register(store, "mentor", f"Mentor {n}") for n in range(30)]
    other = Projector(store, container.view_db, batch_size=4)
    mine = Projector(store, container.view_db, batch_size=4)
    errors = []

    def follow(projector):
        try:
            projector.catch_up()
        except Exception as error:  # a lost race must not be silent
            errors.append(error)

    threads = [threading.Thread(target=follow, args=(p,)) for p in (other, mine)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert container.projector.parked() == []  # a fact applied twice would have been refused, then parked
    assert container.views.persons("mentor", 100).total == len(ids)
    assert container.projector.position() == store.last_log_position()


@pytest.mark.parametrize("batch_size", [1, 500])
def test_proposing_the_mentee_again_closes_the_expired_proposal_task(container, batch_size):
    store = container.store
    projector = Projector(store, container.view_db, batch_size=batch_size)
    expired = record_expired_proposal(store, "e1")
    projector.catch_up()
    assert [t.kind for t in container.views.tasks(None, None, 10).items] == ["proposal_expired"]

    record_binome(store, [("ProposeMentee", {"mentor_id": "m2", "mentee_id": "e1"})], start=AFTER_EXPIRY)
    projector.catch_up()
    assert container.views.tasks(None, None, 10).items == []
    # Proposing another mentee leaves the expired proposal of someone else alone.
    other = record_expired_proposal(store, "e2")
    record_binome(store, [("ProposeMentee", {"mentor_id": "m3", "mentee_id": "e3"})], start=AFTER_EXPIRY)
    projector.catch_up()
    assert [(t.binome_id, t.kind) for t in container.views.tasks(None, None, 10).items] == [
        (str(other), "proposal_expired")]
    assert expired != other


def test_a_proposal_made_before_the_expiry_does_not_answer_it(container):
    """Only a proposal made once the proposal expired answers its task (a rule of the domain's tasks)."""
    store = container.store
    record_expired_proposal(store, "e1")
    record_binome(store, [("ProposeMentee", {"mentor_id": "m2", "mentee_id": "e1"})])  # dated before the expiry
    container.projector.catch_up()
    assert [t.kind for t in container.views.tasks(None, None, 10).items] == ["proposal_expired"]


def test_the_rule_does_not_depend_on_where_batches_end(container):
    """The expiry and the new proposal in one batch close the task as they do in two."""
    store = container.store
    record_expired_proposal(store, "e1")
    record_binome(store, [("ProposeMentee", {"mentor_id": "m2", "mentee_id": "e1"})], start=AFTER_EXPIRY)
    container.projector.catch_up()
    assert container.views.tasks(None, None, 10).items == []


def test_the_rebuild_command_replays_everything_and_shows_progress(tmp_path, monkeypatch, capsys):
    from mentorat import cli
    from mentorat.bootstrap import build_container
    from tests.support.settings import sqlite_settings

    built = build_container(sqlite_settings(tmp_path / "data"))
    for n in range(5):
        register(built.store, "mentee", f"Mentee {n}")
    record_binome(built.store, ACCEPTED)
    built.projector.catch_up()
    built.close()
    monkeypatch.setenv("MENTORAT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MENTORAT_EVENT_STORE", "sqlite")

    try:
        assert cli.main(["rebuild-views"]) == 0
        out = capsys.readouterr().out
        assert "8/8 faits (100 %)" in out and "terminé : 8 faits rejoués" in out
        assert cli.main(["rebuild-views", "--view", "persons"]) == 0
        assert "terminé : 8 faits rejoués" in capsys.readouterr().out
        assert cli.main(["rebuild-views", "--view", "nothing"]) == 2
        assert "vue inconnue : nothing" in capsys.readouterr().err
    finally:
        logging.getLogger().handlers.clear()  # the CLI configured logging onto captured stdout

    rebuilt = build_container(sqlite_settings(tmp_path / "data"))
    assert rebuilt.views.persons("mentee", 10).total == 5
    assert rebuilt.views.binome_version(rebuilt.views.binomes(None, None, None, None, 1).items[0].binome_id) == 2
    rebuilt.close()
