"""A page after a cursor is read from an index that holds the list's order behind its filter: the database seeks
the cursor's key there and reads on, with no sort and no pass over the rows before it (on both stores).

The statements are the ones the views run, caught on their way to the database and explained there. PostgreSQL
is told to avoid sequential scans and sorts (on tables this small it would rather scan), so the plan says whether
an index can serve the order, not whether the planner thinks it worth it now.
"""

import pytest
from sqlalchemy import event

from mentorat.bootstrap import build_view_db
from projections import schema
from projections.queries import Views

KEY = ("2026-01-05T09:00:00.000000Z", "6d1f1f43-5b9b-4a1c-8f4e-2f0e4f0b1a11")

# (what the views are asked, the index that must serve it)
PAGES = [
    (lambda views: views.binomes(None, None, None, None, 50, after=KEY), "binomes_by_proposal"),
    (lambda views: views.binomes("active", None, None, None, 50, after=KEY), "binomes_by_stage"),
    (lambda views: views.binomes(None, None, None, None, 50, after=KEY, programme_id="bxl"), "binomes_by_programme"),
    (lambda views: views.tasks(None, None, 50, after=KEY), "staff_tasks_by_since"),
    (lambda views: views.tasks(None, "closure_meeting", 50, after=KEY), "staff_tasks_by_kind"),
    (lambda views: views.tasks(None, None, 50, after=KEY, programme_id="bxl"), "staff_tasks_by_programme"),
    (lambda views: views.persons("mentor", 50, after=KEY), "persons_by_role"),
    (lambda views: views.persons("mentee", 50, after=KEY, programme_id="bxl"), "persons_by_programme"),
]


@pytest.fixture
def views_db(settings_for):
    db = build_view_db(settings_for())
    with db.write() as conn:
        schema.upgrade(conn)
    yield db
    db.close()


def _page_statement(db, read) -> tuple[str, object]:
    """The statement that reads the page's rows (the one with a LIMIT), with its parameters."""
    seen = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        read(Views(db))
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    [page] = [(statement, parameters) for statement, parameters in seen if "LIMIT" in statement]
    return page


def _plan(db, statement: str, parameters) -> str:
    with db.read() as conn:
        if db.dialect == "sqlite":
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
            return "\n".join(row[-1] for row in rows)
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        conn.exec_driver_sql("SET LOCAL enable_sort = off")
        return "\n".join(row[0] for row in conn.exec_driver_sql(f"EXPLAIN {statement}", parameters))


@pytest.mark.parametrize("read, index", PAGES)
def test_a_page_after_a_cursor_seeks_its_key_in_an_index_that_holds_the_order(views_db, read, index):
    plan = _plan(views_db, *_page_statement(views_db, read))
    assert index in plan, plan
    if views_db.dialect == "sqlite":
        assert "TEMP B-TREE" not in plan and (")<(" in plan or ")>(" in plan), plan  # the key is in the search
    else:
        assert "Sort" not in plan and "Index Cond" in plan and "ROW(" in plan, plan
