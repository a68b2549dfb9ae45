"""Each named projection's position in the store's notification log (one row per projection)."""

from sqlalchemy import Connection, bindparam, insert, select, update

from projections.tables import view_tracking

# Built once: the projector runs these on every pass.
_LOCK = (select(view_tracking.c.view, view_tracking.c.position)
         .where(view_tracking.c.view.in_(bindparam("views", expanding=True))).with_for_update())
_MOVE = (update(view_tracking).values(position=bindparam("to_position"))
         .where(view_tracking.c.view == bindparam("of_view")))


def ensure(conn: Connection, names: list[str]) -> None:
    """A projection without a row (new, or new to this database) starts from the beginning of the log."""
    known = set(conn.execute(select(view_tracking.c.view)).scalars())
    missing = [{"view": name, "position": 0} for name in names if name not in known]
    if missing:
        conn.execute(insert(view_tracking), missing)


def lock(conn: Connection, names: list[str]) -> dict[str, int]:
    """The positions of `names`, locked until the transaction ends: a second projector on the same views waits
    here. (On PostgreSQL row locks; SQLite writers already hold the database's write lock from BEGIN IMMEDIATE.)
    """
    return dict(conn.execute(_LOCK, {"views": names}).all())


def move(conn: Connection, positions: dict[str, int]) -> None:
    if positions:
        conn.execute(_MOVE, [{"of_view": name, "to_position": at} for name, at in positions.items()])


def positions(conn: Connection) -> dict[str, int]:
    return dict(conn.execute(select(view_tracking.c.view, view_tracking.c.position)).all())
