"""Lists are paged by keys. Walked page by page through the API on both stores, every row comes exactly once and
in order, with or without filters; rows added, changed or moved between two pages make no row that stayed in its
place repeat or go missing; a cursor that is not one of the list's is a 422 naming `cursor`.

The rows are written straight into the view tables (no Temporal, no store): what is tested is the read side. The
sort values are lower-case ASCII of one width, so Python sorts them as any database collation does.
"""

import base64
import contextlib
import itertools
import json
import random
import uuid

import httpx
import pytest
from sqlalchemy import delete, insert, update

from api import cursors
from api.app import create_app
from mentorat.bootstrap import build_container
from projections.tables import binomes, persons, staff_tasks
from tests.support.auth import bearer

STAGES = ("proposed", "active", "intake")
PROGRAMMES = ("default", "bxl")
TASK_KINDS = ("proposal_expired", "first_meeting_overdue", "closure_meeting")  # their texts take no params
# Few instants, so many rows share one and the id decides; "" is a binôme with no proposal date (sorts last).
INSTANTS = [f"2026-01-{day:02d}T09:00:00.000000Z" for day in range(1, 13)]
NAMES = [f"n{index:02d}" for index in range(15)]


def _id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128)))


def _binome(rng: random.Random, index: int) -> dict:
    return {"binome_id": _id(rng), "stage": rng.choice(STAGES), "mentor_id": f"mentor-{index % 5}",
            "mentee_id": f"mentee-{index}", "version": 1, "overdue": int(index % 4 == 0),
            "proposed_at": rng.choice([*INSTANTS, ""]), "next_due_at": None, "state": "{}",
            "programme_id": rng.choice(PROGRAMMES)}


def _task(rng: random.Random) -> dict:
    binome_id, kind, since = _id(rng), rng.choice(TASK_KINDS), rng.choice(INSTANTS)
    return {"task_id": f"{binome_id}/{kind}/1", "binome_id": binome_id, "programme_id": rng.choice(PROGRAMMES),
            "kind": kind, "params": "{}", "since": since, "overdue_since": rng.choice([since, None])}


def _person(rng: random.Random, role: str) -> dict:
    return {"person_id": _id(rng), "role": role, "name": rng.choice(NAMES), "email": None, "phone": None,
            "languages": '["fr"]', "registered_at": INSTANTS[0], "programme_id": rng.choice(PROGRAMMES),
            "capacity": 1 if role == "mentor" else None, "step": "ready" if role == "mentor" else "selected",
            "step_since": INSTANTS[0]}


class Lists:
    """The rows written, and each list's expected order (what the API promises: tables.py, queries.py)."""

    def __init__(self, seed: int = 7):
        rng = random.Random(seed)
        self.binomes = [_binome(rng, index) for index in range(120)]
        self.tasks = [_task(rng) for _ in range(80)]
        self.persons = [_person(rng, "mentor") for _ in range(60)] + [_person(rng, "mentee") for _ in range(20)]

    def expected(self, path: str, **filters) -> list[str]:
        if path == "/binomes":
            rows = sorted(self.binomes, key=lambda b: (b["proposed_at"], b["binome_id"]), reverse=True)
            return [b["binome_id"] for b in rows if _selected(b, filters)]
        if path == "/tasks":
            overdue = filters.pop("overdue", None)
            rows = sorted(self.tasks, key=lambda t: (t["since"], t["task_id"]))
            return [t["task_id"] for t in rows if _selected(t, filters)
                    and overdue in (None, t["overdue_since"] is not None)]
        role = path.strip("/").removesuffix("s")
        rows = sorted(self.persons, key=lambda p: (p["name"], p["person_id"]))
        return [p["person_id"] for p in rows if p["role"] == role and _selected(p, filters)]


    def expected_after(self, path: str, key: tuple[str, str]) -> list[str]:
        rows = {"/binomes": self.binomes, "/tasks": self.tasks}.get(path, self.persons)
        sort = {"/binomes": "proposed_at", "/tasks": "since"}.get(path, "name")
        key_of = {row[ID_OF[path]]: (row[sort], row[ID_OF[path]]) for row in rows}
        after = (lambda k: k < key) if path == "/binomes" else (lambda k: k > key)
        return [i for i in self.expected(path) if after(key_of[i])]


def _selected(row: dict, filters: dict) -> bool:
    return all(row[name] == (int(value) if name == "overdue" else value) for name, value in filters.items())


ID_OF = {"/binomes": "binome_id", "/tasks": "task_id", "/mentors": "person_id", "/mentees": "person_id"}


@pytest.fixture
def listed(settings_for, task_queue):
    """The API over this test's store (SQLite or PostgreSQL), its view tables filled with `Lists()`."""

    @contextlib.asynccontextmanager
    async def open_api(lists: Lists):
        container = build_container(settings_for(task_queue=task_queue, rate_limit=""))
        try:
            with container.view_db.write() as conn:
                for table, rows in ((binomes, lists.binomes), (staff_tasks, lists.tasks), (persons, lists.persons)):
                    conn.execute(insert(table), rows)
            app = create_app(container.services(run_projector=False), container.settings)
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mentorat",
                                         headers=bearer(container.settings)) as http:
                yield http, container.view_db
        finally:
            container.close()

    return open_api


async def walk(http: httpx.AsyncClient, path: str, limit: int, between=None, **filters) -> list[str]:
    """Every page of a list, in turn; checks what each page says beside its items. `between(ids_so_far)` runs
    between two pages (changes made while a client walks)."""
    ids, cursor, pages = [], None, 0
    while True:
        answer = await http.get(path, params={**filters, "limit": limit, **({"cursor": cursor} if cursor else {})})
        assert answer.status_code == 200, answer.text
        page = answer.json()
        assert page["limit"] == limit and len(page["items"]) <= limit
        assert (page["total"] is None) == (pages > 0), "the total comes with the first page only"
        ids += [item[ID_OF[path]] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            return ids
        assert len(page["items"]) == limit, "only the last page is short"
        if between is not None:
            between(ids)


@pytest.mark.parametrize("limit", [3, 40])
async def test_every_row_comes_once_in_order_page_by_page(listed, limit):
    lists = Lists()
    async with listed(lists) as (http, _):
        for path in ID_OF:
            expected = lists.expected(path)
            assert await walk(http, path, limit) == expected, path
            first = (await http.get(path, params={"limit": limit})).json()
            assert first["total"] == len(expected)


FILTERS = [
    ("/binomes", {"stage": "active"}),
    ("/binomes", {"stage": "active", "programme_id": "bxl"}),
    ("/binomes", {"overdue": "true", "mentor_id": "mentor-0"}),
    ("/binomes", {"overdue": "false", "programme_id": "default", "stage": "proposed"}),
    ("/tasks", {"kind": "first_meeting_overdue"}),
    ("/tasks", {"overdue": "true", "programme_id": "bxl"}),
    ("/tasks", {"overdue": "false", "kind": "closure_meeting", "programme_id": "default"}),
    ("/mentors", {"programme_id": "bxl"}),
    ("/mentees", {"programme_id": "default"}),
]


async def test_filters_and_cursors_together(listed):
    lists = Lists()
    async with listed(lists) as (http, _):
        for path, filters in FILTERS:
            expected = lists.expected(path, **{k: {"true": True, "false": False}.get(v, v)
                                               for k, v in filters.items()})
            assert 3 < len(expected) < len(lists.expected(path)), f"{path} {filters}: some rows, several pages"
            assert await walk(http, path, 3, **filters) == expected, (path, filters)
            assert (await http.get(path, params={**filters, "limit": 3})).json()["total"] == len(expected)


async def test_changes_between_pages_make_no_row_that_stayed_in_place_repeat_or_go_missing(listed):
    lists, rng = Lists(), random.Random(11)
    moved: set[str] = set()  # rows whose sort key changed, or that were removed: they may come twice or never

    async with listed(lists) as (http, db):
        def meanwhile(seen: list[str]) -> None:
            unseen = [b["binome_id"] for b in lists.binomes if b["binome_id"] not in set(seen) | moved]
            some = lambda ids, count: rng.sample(ids, min(count, len(ids)))  # noqa: E731
            with db.write() as conn:
                # New binômes, before and after the place the client has reached.
                conn.execute(insert(binomes), [_binome(rng, 1000 + len(seen) + n) for n in range(3)])
                # Changes that leave rows in place (not their sort key)...
                for binome_id in some(seen, 2) + some(unseen, 2):
                    conn.execute(update(binomes).where(binomes.c.binome_id == binome_id).values(stage="active"))
                # ...and changes that move rows or take them out.
                shifted, gone = some(seen, 1) + some(unseen, 1), some(unseen, 1)
                for binome_id in shifted:
                    conn.execute(update(binomes).where(binomes.c.binome_id == binome_id)
                                 .values(proposed_at=rng.choice(INSTANTS)))
                conn.execute(delete(binomes).where(binomes.c.binome_id.in_(gone)))
            moved.update(shifted + gone)

        walked = await walk(http, "/binomes", 10, between=meanwhile)

    stayed = [binome_id for binome_id in lists.expected("/binomes") if binome_id not in moved]
    assert len(moved) > 10
    assert [binome_id for binome_id in walked if binome_id in set(stayed)] == stayed


def _base64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode("utf-8", "surrogatepass")).decode().rstrip("=")


KEY = ("2026-01-05T09:00:00.000000Z", "6d1f1f43-5b9b-4a1c-8f4e-2f0e4f0b1a11")


NOT_CURSORS = [
    ("abc", "invalid.cursor"),  # base64 of no UTF-8 text
    (_base64("not json"), "invalid.cursor"),
    (_base64('{"after": "x"}'), "invalid.cursor"),
    (_base64('["binomes"]'), "invalid.cursor"),
    (_base64('["binomes", "a", "b", "c"]'), "invalid.cursor"),
    (_base64('["binomes", 1, "b"]'), "invalid.cursor"),
    (_base64('["binomes", null, "b"]'), "invalid.cursor"),
    (_base64('["binomes", "a\\u0000", "b"]'), "invalid.cursor"),  # PostgreSQL cannot hold NUL in text
    (_base64('["binomes", "\\ud800", "b"]'), "invalid.cursor"),  # nor an unpaired surrogate
    (_base64('["binomes", ' + "[" * 500 + "]" * 500 + ', "b"]'), "invalid.cursor"),
    (_base64("[" * 1500), "invalid.cursor"),  # nested deeper than the parser goes
    (cursors.encode("binomes", KEY)[:-4], "invalid.cursor"),  # cut short
    (cursors.encode("elsewhere", KEY), "invalid.cursor"),
    ("a" * 5, "invalid.cursor"),  # no base64 length
    ("eyJ9+/", "invalid.string_pattern_mismatch"),  # the other base64 alphabet
    ("eyJ9==", "invalid.string_pattern_mismatch"),  # padded
    ("", "invalid.string_too_short"),
    ("a" * (cursors.MAX_LENGTH + 1), "invalid.string_too_long"),
]


async def test_a_cursor_that_is_not_one_of_the_lists_is_a_422_naming_cursor(listed):
    async with listed(Lists()) as (http, _):
        for path in ID_OF:
            for cursor, code in NOT_CURSORS:
                answer = await http.get(path, params={"cursor": cursor, "limit": 2})
                assert answer.status_code == 422, (path, cursor, answer.text)
                assert (answer.json()["code"], answer.json()["field"]) == (code, "cursor"), (path, cursor)
                assert len(cursor) < 6 or cursor not in answer.text  # never echoed back


async def test_paging_by_offset_is_refused_naming_offset(listed):
    async with listed(Lists()) as (http, _):
        for path in ID_OF:
            answer = await http.get(path, params={"offset": 50}, headers={"Accept-Language": "en"})
            assert answer.status_code == 422, (path, answer.text)
            assert (answer.json()["code"], answer.json()["field"]) == ("offset_replaced_by_cursor", "offset")
            assert "cursor" in answer.json()["message"]


async def test_another_lists_cursor_is_refused_even_when_its_key_has_the_same_shape(listed):
    async with listed(Lists()) as (http, _):
        mentors = (await http.get("/mentors", params={"limit": 2})).json()["next_cursor"]
        tasks = (await http.get("/tasks", params={"limit": 2})).json()["next_cursor"]
        for path, cursor in (("/mentees", mentors), ("/binomes", tasks), ("/tasks", mentors)):
            answer = await http.get(path, params={"cursor": cursor})
            assert (answer.status_code, answer.json()["field"]) == (422, "cursor"), path


async def test_an_edited_cursor_starts_the_page_elsewhere_in_the_same_list(listed):
    lists = Lists()
    async with listed(lists) as (http, _):
        for path, value in itertools.product(ID_OF, ["", "n07", "zzzz", "é" * 200, "😀\u4e2d",
                                                     "'; DROP TABLE binomes; --", "\U0010ffff"]):
            answer = await http.get(path, params={"cursor": cursors.encode(path.strip("/"), (value, value)),
                                                  "limit": 500})
            assert answer.status_code == 200, answer.text
            ids = [item[ID_OF[path]] for item in answer.json()["items"]]
            assert ids == [i for i in lists.expected(path) if i in set(ids)], (path, value)  # in order
            if value in ("", "n07", "zzzz"):  # where every collation puts them: exactly the rows after the key
                assert ids == lists.expected_after(path, (value, value)), (path, value)


def test_a_cursor_reads_back_the_key_it_was_made_of():
    for key in [KEY, ("", ""), ("é" * 200, "😀"), ('"]\\', "x")]:
        assert cursors.decode("binomes", cursors.encode("binomes", key)) == key
        assert len(cursors.encode("mentors", key)) <= cursors.MAX_LENGTH
        assert json.loads(base64.urlsafe_b64decode(cursors.encode("binomes", key) + "==="))[0] == "binomes"
