"""One-off upgrade step: binômes opened before the persons' places were recorded (before programmes) get their
places recorded on the mentor's and mentee's streams, so the rules across binômes see them. Idempotent."""

from collections.abc import Callable
from uuid import UUID

from domain import catalogue, engagements, persons
from domain.state import BinomeState, evolve
from eventstore import AppendConflict, FactStore

BATCH = 1000
RACES = 20


def record_held_places(store: FactStore, on_progress: Callable[[int], None] | None = None) -> int:
    """Reads the whole log once; returns how many places it recorded."""
    binomes: dict[str, BinomeState] = {}
    position = 0
    while batch := store.read_log(position, BATCH):
        for recorded in batch:
            if catalogue.is_of(recorded.fact.type, catalogue.BINOME):
                binome_id = str(recorded.stream_id)
                evolve(binomes.setdefault(binome_id, BinomeState(binome_id)), recorded.fact)
        position = batch[-1].notification_id
        if on_progress:
            on_progress(position)
    recorded_places = 0
    for binome in binomes.values():
        if binome.stage is None or binome.finished:
            continue
        for person_id, partner_id in ((binome.mentor_id, binome.mentee_id), (binome.mentee_id, binome.mentor_id)):
            recorded_places += _record_place(store, binome, person_id, partner_id)
    return recorded_places


def _record_place(store: FactStore, binome: BinomeState, person_id: str, partner_id: str) -> int:
    try:
        stream_id = UUID(person_id)
    except ValueError:
        return 0  # not a registered person's id: nothing to hold a place on
    for _ in range(RACES):
        person = persons.fold(person_id, [r.fact for r in store.read(stream_id, category=catalogue.PERSON)])
        if not person.registered:
            return 0
        fact = engagements.held_before_recorded(binome, person, partner_id)
        if fact is None:
            return 0
        try:
            store.append(stream_id, [fact])
            return 1
        except AppendConflict:
            continue  # the person's stream moved meanwhile: judge again
    raise RuntimeError(f"person {person_id} keeps changing: run the command again")
