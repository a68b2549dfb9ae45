"""The programme's quantitative results, from each binôme's row (projection "results"): what counts as started,
ended, a positive exit, a month that kept the cadence, a monitoring contact made on time.

- started: the mentoring period began (the contract signed by all three parties);
- ended: a positive exit, an early stop or the six months reached, in the month of that exit;
- positive exit rate: positive exits among the binômes ended;
- time to a positive exit: days from the start of the period to the exit;
- cadence compliance: months checked at their end that had the programme's meetings, among all months checked;
- monitoring on time: contacts made before their deadline, among those made or gone late (one still within its
  grace period counts once it is made, or late);
- meetings: the meetings held (the first meeting is not one of them).
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from statistics import median
from typing import Any

EXIT_KINDS = ("positive", "early_stop", "term")


@dataclass(frozen=True)
class Results:
    started: int = 0
    ended: int = 0
    started_by_month: dict[str, int] = field(default_factory=dict)
    ended_by_month: dict[str, int] = field(default_factory=dict)
    exits: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    stopped_by: dict[str, int] = field(default_factory=dict)
    days_to_positive_exit: tuple[int, ...] = ()
    months_checked: int = 0
    months_met: int = 0
    contacts_on_time: int = 0
    contacts_late: int = 0
    meetings: int = 0

    @property
    def positive_rate(self) -> float | None:
        return _rate(self.exits.get("positive", 0), self.ended)

    @property
    def cadence_rate(self) -> float | None:
        return _rate(self.months_met, self.months_checked)

    @property
    def contacts_due(self) -> int:
        return self.contacts_on_time + self.contacts_late

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.contacts_on_time, self.contacts_due)

    @property
    def median_days_to_positive_exit(self) -> float | None:
        return median(self.days_to_positive_exit) if self.days_to_positive_exit else None


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def summarise(rows: Iterable[Mapping[str, Any]]) -> Results:
    """`rows`: the results view's rows, moments as datetimes (None where not yet)."""
    started_by_month: Counter[str] = Counter()
    ended_by_month: Counter[str] = Counter()
    exits: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    stopped_by: Counter[str] = Counter()
    days: list[int] = []
    totals = Counter()
    for row in rows:
        started, exit_at = row.get("started_at"), row.get("exit_at")
        if started is not None:
            started_by_month[_month(started)] += 1
        if row.get("exit_kind") and exit_at is not None:
            ended_by_month[_month(exit_at)] += 1
            exits[row["exit_kind"]] += 1
            if row["exit_kind"] == "positive":
                outcomes[row.get("outcome") or "unknown"] += 1
                if started is not None:
                    days.append((exit_at - started).days)
            elif row["exit_kind"] == "early_stop":
                stopped_by[row.get("stopped_by") or "unknown"] += 1
        for name in ("months_checked", "months_met", "contacts_on_time", "contacts_late", "meetings"):
            totals[name] += row.get(name) or 0
    return Results(sum(started_by_month.values()), sum(exits.values()), dict(sorted(started_by_month.items())),
                   dict(sorted(ended_by_month.items())), dict(exits), dict(outcomes), dict(stopped_by),
                   tuple(sorted(days)), totals["months_checked"], totals["months_met"], totals["contacts_on_time"],
                   totals["contacts_late"], totals["meetings"])


def _month(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def months_between(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` ("YYYY-MM"), so a chart shows the months with nothing too."""
    year, month = map(int, first.split("-"))
    end = tuple(map(int, last.split("-")))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
