"""Keyset paging: every list has a total order ending in a unique key, and a page starts strictly after the sort
key of the previous page's last row.

The database seeks that key in an index holding the order and reads `limit` rows from there, so a deep page costs
what the first does (an OFFSET reads and drops every row before the page). Rows added, changed or removed
between two pages cannot make a page repeat or skip a row whose key did not change: each row is after the
position or not, whatever happened elsewhere.
"""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, RowMapping, Select, tuple_

# A row's sort key: its values of the order's columns (all text in the views).
Key = tuple[str, ...]


@dataclass(frozen=True)
class KeysetOrder:
    """The columns of a list's order, the last one unique. One direction for all columns, so "after" is one
    row-value comparison (SQLite and PostgreSQL both seek an index with it) and a plain ascending index serves
    the order read forwards or backwards."""

    columns: tuple[ColumnElement, ...]
    descending: bool = False

    def after(self, key: Key) -> ColumnElement[bool]:
        if len(key) != len(self.columns):
            raise ValueError(f"a key of {len(self.columns)} values is expected")
        row = tuple_(*self.columns)
        return row < tuple(key) if self.descending else row > tuple(key)

    def order_by(self) -> list[ColumnElement]:
        return [column.desc() if self.descending else column for column in self.columns]

    def key_of(self, row: RowMapping) -> Key:
        return tuple(row[column.key] for column in self.columns)


@dataclass(frozen=True)
class Window:
    rows: list[RowMapping]
    next_after: Key | None  # the key to read the next page after; None on the last page


def read_page(conn: Connection, query: Select, order: KeysetOrder, limit: int, after: Key | None) -> Window:
    """Up to `limit` rows of `query` (which selects the order's columns) after `after`, in the order.

    One row more than asked says whether a next page exists, so the last page has no next key."""
    if after is not None:
        query = query.where(order.after(after))
    rows = conn.execute(query.order_by(*order.order_by()).limit(limit + 1)).mappings().all()
    page = list(rows[:limit])
    return Window(page, order.key_of(page[-1]) if len(rows) > limit else None)
