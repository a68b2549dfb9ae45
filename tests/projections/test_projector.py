"""The projector follows the notification log exactly once, resumes after a crash, and rebuilds from zero."""

import logging
import threading
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from domain import persons
from domain.commands import CommandEnvelope
from domain.decide import decide
from domain.facts import Actor
from domain.state import BinomeState, evolve
from projections import apply as apply_module
from projections.projector import Projector

STAFF = Actor("staff", "alice")
T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)


def record_binome(store, steps: list[tuple[str, dict]]) -> uuid.UUID:
    """Appends, through the domain's rules, the facts of `steps` for a new binôme."""
    binome_id = uuid.uuid4()
    state = BinomeState(str(binome_id))
    for number, (name, payload) in enumerate(steps, start=1):
        at = T0 + timedelta(hours=number)
        facts = decide(state, CommandEnvelope(name, payload, f"c{number}", STAFF, at), at)
        store.append(binome_id, facts)
        for fact in facts:
            evolve(state, fact)
    return binome_id


def register(store, role: str, name: str) -> uuid.UUID:
    person_id = uuid.uuid4()
    person = persons.Person(str(person_id), role, name, None, None, ["fr"])
    store.append(person_id, [persons.register(person, STAFF, T0, str(person_id), "fp")])
    return person_id


PROPOSED = [("ProposeMentee", {"mentor_id": "m", "mentee_id": "e"})]
ACCEPTED = PROPOSED + [("AcceptProposal", {})]


def snapshot(container) -> tuple:
    views = container.views
    binomes = views.binomes(None, None, None, None, 1000, 0)
    tasks = views.tasks(None, None, 1000, 0)
    mentors = views.persons("mentor", 1000, 0)
    return binomes.items, tasks.items, mentors.items


def test_views_follow_the_store_and_rebuild_to_the_same_rows(container):
    store = container.store
    for n in range(3):
        register(store, "mentor", f"Mentor {n}")
    accepted = record_binome(store, ACCEPTED)
    proposed = record_binome(store, PROPOSED)

    applied = container.projector.catch_up()
    assert applied == 3 + 2 + 1
    assert container.views.binome_version(str(accepted)) == 2
    assert container.views.binomes("proposed", None, None, None, 10, 0).items[0].binome_id == str(proposed)
    before = snapshot(container)
    progress = []
    assert container.projector.rebuild(lambda done, total: progress.append((done, total))) == applied
    assert snapshot(container) == before
    assert progress[-1] == (applied, applied)


def test_a_crash_mid_batch_keeps_neither_rows_nor_position_and_resumes(container, monkeypatch):
    store = container.store
    for n in range(4):
        register(store, "mentor", f"Mentor {n}")
    real_apply = apply_module.BatchApplier.apply
    calls = {"n": 0}

    def failing_apply(self, recorded):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("view database went away")
        return real_apply(self, recorded)

    monkeypatch.setattr(apply_module.BatchApplier, "apply", failing_apply)
    with pytest.raises(RuntimeError):
        container.projector.run_once()
    assert container.projector.position() == 0
    assert container.views.persons("mentor", 10, 0).total == 0

    monkeypatch.setattr(apply_module.BatchApplier, "apply", real_apply)
    assert container.projector.catch_up() == 4
    # Each person applied once: a second insert of the same person would have failed on its primary key.
    assert container.views.persons("mentor", 10, 0).total == 4


def test_two_projectors_on_the_same_views_apply_each_fact_once(container, settings_for):
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
    assert container.views.persons("mentor", 100, 0).total == len(ids)
    assert container.projector.position() == store.last_log_position()


def test_proposing_the_mentee_again_closes_the_expired_proposal_task(container):
    from domain.schedule import due_facts

    store = container.store
    expired_id = uuid.uuid4()
    state = BinomeState(str(expired_id))
    facts = decide(state, CommandEnvelope("ProposeMentee", {"mentor_id": "m1", "mentee_id": "e1"}, "c1", STAFF, T0), T0)
    for fact in facts:
        evolve(state, fact)
    store.append(expired_id, facts + due_facts(state, T0 + timedelta(days=8)))
    container.projector.catch_up()
    assert [t.kind for t in container.views.tasks(None, None, 10, 0).items] == ["proposal_expired"]

    record_binome(store, [("ProposeMentee", {"mentor_id": "m2", "mentee_id": "e1"})])
    container.projector.catch_up()
    assert container.views.tasks(None, None, 10, 0).items == []


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
    finally:
        logging.getLogger().handlers.clear()  # the CLI configured logging onto captured stdout

    out = capsys.readouterr().out
    assert "7/7 faits (100 %)" in out and "terminé : 7 faits rejoués" in out
    rebuilt = build_container(sqlite_settings(tmp_path / "data"))
    assert rebuilt.views.persons("mentee", 10, 0).total == 5
    assert rebuilt.views.binome_version(rebuilt.views.binomes(None, None, None, None, 1, 0).items[0].binome_id) == 2
    rebuilt.close()
