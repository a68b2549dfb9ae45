"""Each named projection's position in the store's notification log (one row per projection)."""

from sqlalchemy import Connection, bindparam, insert, select, update

from projections.tables import view_tracking

# Built once: the projector runs these for every projection on every pass.
_LOCK = select(view_tracking.c.position).where(view_tracking.c.view == bindparam("view")).with_for_update()
_MOVE = (update(view_tracking).values(position=bindparam("to_position"))
         .where(view_tracking.c.view == bindparam("of_view")))


def ensure(conn: Connection, names: list[str]) -> None:
    """A projection without a row (new, or new to this database) starts from the beginning of the log."""
    known = set(conn.execute(select(view_tracking.c.view)).scalars())
    missing = [{"view": name, "position": 0} for name in names if name not in known]
    if missing:
        conn.execute(insert(view_tracking), missing)


def lock(conn: Connection, name: str) -> int:
    """The position, locked until the transaction ends: a second projector on the same views waits here.

    (On PostgreSQL a row lock; SQLite writers already hold the database's write lock from BEGIN IMMEDIATE.)
    """
    return conn.execute(_LOCK, {"view": name}).scalar_one()


def move(conn: Connection, name: str, position: int) -> None:
    conn.execute(_MOVE, {"of_view": name, "to_position": position})


def positions(conn: Connection) -> dict[str, int]:
    return dict(conn.execute(select(view_tracking.c.view, view_tracking.c.position)).all())
