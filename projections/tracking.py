"""Each named projection's position in the store's notification log (one row per projection)."""

from sqlalchemy import Connection, insert, select, update

from projections.tables import view_tracking


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
    return conn.execute(select(view_tracking.c.position).where(view_tracking.c.view == name)
                        .with_for_update()).scalar_one()


def move(conn: Connection, name: str, position: int) -> None:
    conn.execute(update(view_tracking).values(position=position).where(view_tracking.c.view == name))


def positions(conn: Connection) -> dict[str, int]:
    return dict(conn.execute(select(view_tracking.c.view, view_tracking.c.position)).all())
