"""Programmes through their service, on both stores: the default exists once, changes are facts, races resolve."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from application.programmes import ProgrammeService, stream_id
from domain.errors import NotFound
from domain.facts import Actor

STAFF = Actor("staff", "alice")


def test_the_default_programme_exists_once_however_often_it_is_ensured(container):
    service = ProgrammeService(container.store)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: service.ensure_default(), range(4)))

    assert service.get("default").proposal_response_days == 7
    assert [r.fact.type for r in container.store.read(stream_id("default"))] == ["ProgrammeCreated"]


def test_concurrent_settings_changes_are_each_recorded_once(container):
    service = ProgrammeService(container.store)
    service.create("wallonie", {"name": "Mentorat Wallonie"}, STAFF, "create", "fp")

    def change(n: int):
        return service.change_settings("wallonie", {"meeting_minutes": 60 + n}, STAFF, f"change-{n}", f"fp-{n}")

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(change, range(8)))

    facts = [r.fact for r in container.store.read(stream_id("wallonie"))]
    assert [f.type for f in facts] == ["ProgrammeCreated"] + ["ProgrammeSettingsChanged"] * 8
    assert all(written for _, written in results)
    assert service.get("wallonie").meeting_minutes == facts[-1].data["changes"]["meeting_minutes"]
    again, written = service.change_settings("wallonie", {"meeting_minutes": 63}, STAFF, "change-3", "fp-3")
    assert not written and len(container.store.read(stream_id("wallonie"))) == 9


def test_an_unknown_programme_is_not_found(container):
    with pytest.raises(NotFound) as missing:
        ProgrammeService(container.store).get("nulle-part")
    assert missing.value.params == {"programme_id": "nulle-part"}
