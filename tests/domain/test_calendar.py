"""Months of the mentoring period are calendar months, clamped to the month's last day."""

from datetime import date

import pytest

from domain.calendar import add_months, from_iso, iso, parse_date
from domain.schedule import meetings_in, month_window
from domain.state import BinomeState
from tests.domain.gwt import command, given, utc, validated, when_time_passes


@pytest.mark.parametrize("start, months, expected", [
    (utc(2025, 2, 3), 6, utc(2025, 8, 3)),
    (utc(2025, 1, 31), 1, utc(2025, 2, 28)),
    (utc(2024, 1, 31), 1, utc(2024, 2, 29)),
    (utc(2025, 8, 31), 6, utc(2026, 2, 28)),
    (utc(2025, 10, 15), 3, utc(2026, 1, 15)),
    (utc(2025, 3, 31), -1, utc(2025, 2, 28)),
    (utc(2025, 12, 31, 23, 59, 59), 12, utc(2026, 12, 31, 23, 59, 59)),
])
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_add_months_keeps_the_time_and_the_zone():
    moved = add_months(utc(2025, 5, 31, 17, 45), 1)

    assert (moved.day, moved.hour, moved.minute, moved.tzinfo) == (30, 17, 45, utc(2025, 1, 1).tzinfo)


def test_each_month_window_starts_where_the_previous_ended_without_drift():
    state = BinomeState("b", period_start=utc(2025, 1, 31))

    windows = [month_window(state, m) for m in range(1, 7)]

    assert [end.date() for _, end in windows] == [date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30),
                                                  date(2025, 5, 31), date(2025, 6, 30), date(2025, 7, 31)]
    assert all(windows[i][1] == windows[i + 1][0] for i in range(5))


def test_meetings_count_in_the_window_including_its_start_excluding_its_end():
    state = BinomeState("b", meeting_dates=[utc(2025, 2, 3), utc(2025, 2, 20), utc(2025, 3, 3)])

    assert meetings_in(state, utc(2025, 2, 3), utc(2025, 3, 3)) == 2


def test_a_period_starting_on_the_31st_checks_its_short_first_month_on_3_march():
    state = given(*validated(), *[command("SignContract", {"party": p}, at=utc(2025, 1, 31)) for p in
                                  ("mentor", "mentee", "programme")])

    result = when_time_passes(state, utc(2025, 3, 3))

    (fact,) = result.facts
    assert (fact.type, fact.occurred_at, fact.data["month_end"]) == ("CadenceShortfall", utc(2025, 3, 3),
                                                                     "2025-02-28T10:00:00+00:00")


def test_dates_and_moments_in_iso_form():
    assert parse_date("2025-02-20") == date(2025, 2, 20)
    assert iso(utc(2025, 2, 3)) == "2025-02-03T10:00:00+00:00"
    assert from_iso("2025-02-03T10:00:00+00:00") == utc(2025, 2, 3)
    assert iso(None) is None and from_iso(None) is None
