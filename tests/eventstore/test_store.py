"""The store: typed topics, categories, facts stored in older shapes read in today's, atomic multi-stream appends."""

import uuid
from datetime import datetime, timezone

import pytest

from domain import persons
from domain.facts import Actor, Fact
from eventstore import AppendConflict, StaleStreams
from eventstore.fact_events import FactRecorded

STAFF = Actor("staff", "alice")
T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)


def registration(person_id: uuid.UUID, role: str = "mentor") -> Fact:
    return persons.register(persons.Person(str(person_id), role, "Awa", None, None, ["fr"]), STAFF, T0, "r", "fp")


def proposal(position: int = 1) -> Fact:
    return Fact("MentorshipProposed", position, T0, STAFF, {"mentor_id": "m", "mentee_id": "e", "note": "",
                                                             "programme": {}, "response_due_at": None}, "c1", "fp")


def test_stored_events_say_their_fact_type_in_their_topic(container):
    person_id = uuid.uuid4()
    container.store.append(person_id, [registration(person_id)])

    stored = container.store._recorder.select_events(person_id)

    assert [event.topic for event in stored] == ["eventstore.fact_events:MentorRegistered"]


def test_a_persons_stream_is_not_a_binome(container):
    person_id, binome_id = uuid.uuid4(), uuid.uuid4()
    container.store.append(person_id, [registration(person_id)])
    container.store.append(binome_id, [proposal()])

    assert container.store.read(person_id, category="binome") == []
    assert [f.fact.type for f in container.store.read(person_id, category="person")] == ["MentorRegistered"]
    assert [f.fact.type for f in container.store.read(binome_id, category="binome")] == ["MentorshipProposed"]
    assert container.store.read(person_id, after=1, category="binome") == []


def test_a_fact_stored_before_the_catalogue_is_read_in_todays_shape(container):
    person_id = uuid.uuid4()
    legacy = FactRecorded(originator_id=person_id, originator_version=1, timestamp=T0, type="MenteeRegistered",
                          occurred_at=T0, actor_kind="staff", actor_id="alice",
                          data={"name": "Léo", "email": None, "phone": None, "languages": []},
                          command_id="r", fingerprint="fp")
    container.store._app.save(legacy)

    (recorded,) = container.store.read(person_id)

    assert recorded.fact.data["programme_id"] == "default"
    assert persons.from_fact(str(person_id), recorded.fact).programme_id == "default"


def test_an_append_with_other_streams_is_all_or_nothing_and_idempotent(container):
    store = container.store
    binome_id, mentee_id = uuid.uuid4(), uuid.uuid4()
    store.append(mentee_id, [registration(mentee_id, "mentee")])
    joined = Fact("BinomeJoined", 2, T0, STAFF, {"binome_id": str(binome_id), "partner_id": "m"})

    assert store.append_with(binome_id, [proposal()], [(mentee_id, joined)]) is True
    assert store.append_with(binome_id, [proposal()], [(mentee_id, joined)]) is False

    rival, rival_joined = uuid.uuid4(), Fact("BinomeJoined", 2, T0, STAFF, {"binome_id": "x", "partner_id": "m"})
    with pytest.raises(StaleStreams):
        store.append_with(rival, [proposal()], [(mentee_id, rival_joined)])
    assert store.read(rival) == []
    other = Fact("MentorshipProposed", 1, T0, STAFF, {**proposal().data, "note": "autre"}, "c2", "fp2")
    with pytest.raises(AppendConflict):
        store.append_with(binome_id, [other], [(mentee_id, Fact("BinomeJoined", 3, T0, STAFF, joined.data))])


def test_record_answers_what_the_stream_holds_from_the_first_position_on(container):
    store = container.store
    binome_id, mentee_id = uuid.uuid4(), uuid.uuid4()
    store.append(mentee_id, [registration(mentee_id, "mentee")])
    joined = Fact("BinomeJoined", 2, T0, STAFF, {"binome_id": str(binome_id), "partner_id": "m"})

    held = store.record(binome_id, [proposal()], [(mentee_id, joined)])
    written = held.facts
    assert held.written and [w.fact for w in written] == [proposal()]
    assert [r.notification_id for r in store.read_log(0, 10) if r.stream_id == binome_id] == [
        written[0].notification_id]

    # Decided again at another moment (a crash, then a retry): the stored facts come back, nothing is written.
    later = Fact("MentorshipProposed", 1, T0.replace(hour=10), STAFF, proposal().data, "c1", "fp")
    again = store.record(binome_id, [later], [(mentee_id, joined)])
    assert not again.written
    assert [a.fact for a in again.facts] == [proposal()] and again.facts[0].recorded_at == written[0].recorded_at
    accepted = Fact("ProposalAccepted", 2, T0, STAFF, {}, "c2", "fp2")
    store.append(binome_id, [accepted])
    assert [r.fact.type for r in store.record(binome_id, [later]).facts] == ["MentorshipProposed", "ProposalAccepted"]
    assert len(store.read(binome_id)) == 2 and len(store.read(mentee_id)) == 2

    rival = uuid.uuid4()
    with pytest.raises(StaleStreams):  # the mentee's place was taken: the rival writes nothing
        store.record(rival, [proposal()], [(mentee_id, Fact("BinomeJoined", 2, T0, STAFF, joined.data))])
    assert store.read(rival) == []
